//! Processes, ports, users and files: the system side of the harness.

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{INSTALL_HINT, Ports, fail};

/// Ports bound all at once, then released for the servers to take.
pub fn free_ports() -> Ports {
    let listeners: Vec<TcpListener> = (0..5)
        .map(|_| {
            TcpListener::bind(("127.0.0.1", 0))
                .unwrap_or_else(|e| fail(&format!("cannot bind a loopback port: {e}")))
        })
        .collect();
    let port = |i: usize| {
        listeners[i]
            .local_addr()
            .unwrap_or_else(|e| fail(&e.to_string()))
            .port()
    };
    Ports {
        imap_tls: port(0),
        imap_starttls: port(1),
        lmtp: port(2),
        smtp: port(3),
        smtps: port(4),
    }
}

pub fn spawn(command: &mut Command, log: &Path, what: &str) -> Child {
    let out = std::fs::File::create(log)
        .unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", log.display())));
    let err = out
        .try_clone()
        .unwrap_or_else(|e| fail(&format!("cannot dup a log file: {e}")));
    command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot start {what}: {e}; {INSTALL_HINT}")))
}

/// SIGTERM to the master and its children at once (as systemd does to a
/// service's cgroup: Dovecot's master alone waits for its IMAP sessions).
/// Once the children are gone the master gets a short grace, then SIGKILL:
/// Dovecot's sometimes lingers for seconds with nothing left to do.
pub fn stop_child(mut child: Child, what: &str) {
    let master = child.id();
    let mut pids = children_of(master);
    signal(&pids, "-TERM");
    signal(&[master], "-TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|pid| is_alive(*pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let grace = Instant::now() + Duration::from_secs(2);
    while Instant::now() < grace {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if pids.iter().any(|pid| is_alive(*pid)) {
        eprintln!("mail test harness: {what} did not stop on SIGTERM, killing it");
    }
    pids.push(master);
    signal(&pids, "-KILL");
    let _ = child.kill();
    let _ = child.wait();
}

fn signal(pids: &[u32], signal: &str) {
    let alive: Vec<String> = pids
        .iter()
        .filter(|pid| is_alive(**pid))
        .map(u32::to_string)
        .collect();
    if !alive.is_empty() {
        let _ = Command::new("kill").arg(signal).args(&alive).status();
    }
}

/// Direct children of a process, from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| proc_stat(*pid).is_some_and(|(_, ppid)| ppid == parent))
        .collect()
}

/// A process that exited but was not reaped (a zombie) counts as gone.
fn is_alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, _)| state != 'Z' && state != 'X')
}

/// State and parent pid from /proc/PID/stat (after the `(comm)` field).
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

pub fn postconf(etc: &Path, parameter: &str) -> String {
    let out = Command::new("postconf")
        .arg("-c")
        .arg(etc)
        .arg("-h")
        .arg(parameter)
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run postconf: {e}; {INSTALL_HINT}")));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// uid and gid of a system user, from /etc/passwd.
pub fn passwd_ids(name: &str) -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd")
        .unwrap_or_else(|e| fail(&format!("cannot read /etc/passwd: {e}")));
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&name) && f.len() > 3)
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .unwrap_or_else(|| fail(&format!("no user {name:?} in /etc/passwd; {INSTALL_HINT}")))
}

/// gid of a system group, from /etc/group.
pub fn group_id(name: &str) -> u32 {
    let groups = std::fs::read_to_string("/etc/group")
        .unwrap_or_else(|e| fail(&format!("cannot read /etc/group: {e}")));
    groups
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&name) && f.len() > 2)
        .and_then(|f| f[2].parse().ok())
        .unwrap_or_else(|| fail(&format!("no group {name:?} in /etc/group; {INSTALL_HINT}")))
}

pub fn mkdir(path: &Path) {
    std::fs::create_dir_all(path)
        .unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", path.display())));
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
}

pub fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| fail(&format!("cannot chmod {}: {e}", path.display())));
}

pub fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
