//! Minimal blocking IMAP and SMTP clients for the harness's own helpers.
//!
//! They are deliberately independent of `relance::mailbox`, the code under
//! test, and speak plain text to the loopback servers. They panic on any
//! unexpected answer: a broken harness must fail loudly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(20);

fn open(port: u16) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("harness: cannot connect to 127.0.0.1:{port}: {e}"));
    stream.set_read_timeout(Some(IO_TIMEOUT)).ok();
    stream.set_write_timeout(Some(IO_TIMEOUT)).ok();
    BufReader::new(stream)
}

fn read_line(conn: &mut BufReader<TcpStream>) -> Vec<u8> {
    let mut line = Vec::new();
    let n = conn
        .read_until(b'\n', &mut line)
        .unwrap_or_else(|e| panic!("harness: read failed: {e}"));
    assert!(n > 0, "harness: server closed the connection");
    line
}

/// One logged-in IMAP connection (plain, on the STARTTLS port).
pub struct Imap {
    conn: BufReader<TcpStream>,
    tag: u32,
}

impl Imap {
    pub fn login(port: u16, user: &str, password: &str) -> Imap {
        let mut imap = Imap {
            conn: open(port),
            tag: 0,
        };
        let greeting = read_line(&mut imap.conn);
        assert!(
            greeting.starts_with(b"* OK"),
            "harness: IMAP greeting {:?}",
            lossy(&greeting)
        );
        imap.command(&format!("LOGIN {} {}", quote(user), quote(password)));
        imap
    }

    /// Sends a command; returns the untagged responses (literals inlined)
    /// and the tagged OK line.
    pub fn command(&mut self, command: &str) -> (Vec<Vec<u8>>, Vec<u8>) {
        let tag = self.next_tag();
        self.write(format!("{tag} {command}\r\n").as_bytes());
        self.responses(&tag, command)
    }

    /// `APPEND` with a synchronising literal; returns the new UID (APPENDUID).
    pub fn append(&mut self, folder: &str, flags: &[&str], raw: &[u8]) -> u32 {
        let tag = self.next_tag();
        let head = format!(
            "{tag} APPEND {} ({}) {{{}}}\r\n",
            quote(folder),
            flags.join(" "),
            raw.len()
        );
        self.write(head.as_bytes());
        let cont = read_line(&mut self.conn);
        assert!(
            cont.starts_with(b"+"),
            "harness: APPEND to {folder}: {:?}",
            lossy(&cont)
        );
        self.write(raw);
        self.write(b"\r\n");
        let (_, done) = self.responses(&tag, "APPEND");
        let text = lossy(&done);
        let uid = text
            .split("[APPENDUID ")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .and_then(|codes| codes.split(' ').nth(1))
            .and_then(|uid| uid.parse().ok());
        uid.unwrap_or_else(|| panic!("harness: no APPENDUID in {text:?}"))
    }

    /// `EXAMINE`s the folder and returns its UIDVALIDITY.
    pub fn examine(&mut self, folder: &str) -> u32 {
        let (untagged, _) = self.command(&format!("EXAMINE {}", quote(folder)));
        untagged
            .iter()
            .map(|l| lossy(l))
            .find_map(|l| {
                l.split("[UIDVALIDITY ")
                    .nth(1)
                    .and_then(|r| r.split(']').next())
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or_else(|| panic!("harness: no UIDVALIDITY for {folder}"))
    }

    /// `UID SEARCH` in the examined folder.
    pub fn uid_search(&mut self, criteria: &str) -> Vec<u32> {
        let (untagged, _) = self.command(&format!("UID SEARCH {criteria}"));
        let mut uids: Vec<u32> = untagged
            .iter()
            .map(|l| lossy(l))
            .filter_map(|l| l.strip_prefix("* SEARCH").map(str::to_owned))
            .flat_map(|rest| {
                rest.split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect::<Vec<u32>>()
            })
            .collect();
        uids.sort_unstable();
        uids
    }

    /// The raw message with this UID in the examined folder, if any.
    pub fn fetch_body(&mut self, uid: u32) -> Option<Vec<u8>> {
        let (untagged, _) = self.command(&format!("UID FETCH {uid} (UID BODY.PEEK[])"));
        untagged.into_iter().find_map(|r| literal(&r))
    }

    /// Flags of the message with this UID in the examined folder.
    pub fn fetch_flags(&mut self, uid: u32) -> Vec<String> {
        let (untagged, _) = self.command(&format!("UID FETCH {uid} (UID FLAGS)"));
        untagged
            .iter()
            .map(|l| lossy(l))
            .find_map(|l| {
                let start = l.find("FLAGS (")? + "FLAGS (".len();
                let end = start + l[start..].find(')')?;
                Some(
                    l[start..end]
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                )
            })
            .unwrap_or_default()
    }

    pub fn logout(mut self) {
        let tag = self.next_tag();
        self.write(format!("{tag} LOGOUT\r\n").as_bytes());
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("h{}", self.tag)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.conn
            .get_mut()
            .write_all(bytes)
            .unwrap_or_else(|e| panic!("harness: IMAP write failed: {e}"));
    }

    fn responses(&mut self, tag: &str, command: &str) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut untagged = Vec::new();
        loop {
            let response = self.read_response();
            if response.starts_with(tag.as_bytes()) && response.get(tag.len()) == Some(&b' ') {
                let status = &response[tag.len() + 1..];
                assert!(
                    status.starts_with(b"OK"),
                    "harness: IMAP {command:?} failed: {}",
                    lossy(&response)
                );
                return (untagged, response);
            }
            untagged.push(response);
        }
    }

    /// One response with its literals (`{n}\r\n` + n bytes) inlined.
    fn read_response(&mut self) -> Vec<u8> {
        let mut response = Vec::new();
        loop {
            let line = read_line(&mut self.conn);
            let size = literal_size(&line);
            response.extend_from_slice(&line);
            let Some(size) = size else { return response };
            let mut data = vec![0; size];
            self.conn
                .read_exact(&mut data)
                .unwrap_or_else(|e| panic!("harness: literal read failed: {e}"));
            response.extend_from_slice(&data);
        }
    }
}

fn literal_size(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"\r\n")?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(&line[open + 1..]).ok()?.parse().ok()
}

/// The first literal's bytes in a response.
fn literal(response: &[u8]) -> Option<Vec<u8>> {
    let end = response.windows(3).position(|w| w == b"}\r\n")?;
    let open = response[..end].iter().rposition(|&b| b == b'{')?;
    let size: usize = std::str::from_utf8(&response[open + 1..end])
        .ok()?
        .parse()
        .ok()?;
    let start = end + 3;
    response.get(start..start + size).map(<[u8]>::to_vec)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim_end().to_owned()
}

/// Sends one message over plain SMTP; panics unless every step is accepted.
pub fn smtp_send(port: u16, from: &str, to: &str, raw: &[u8]) {
    let mut conn = open(port);
    let expect = |conn: &mut BufReader<TcpStream>, send: Option<&[u8]>, code: &str| {
        if let Some(bytes) = send {
            conn.get_mut()
                .write_all(bytes)
                .unwrap_or_else(|e| panic!("harness: SMTP write failed: {e}"));
        }
        loop {
            let line = lossy(&read_line(conn));
            assert!(
                line.starts_with(code),
                "harness: SMTP expected {code} after {:?}, got {line:?}",
                send.map(lossy)
            );
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
    };
    expect(&mut conn, None, "220");
    expect(&mut conn, Some(b"EHLO harness.relance.test\r\n"), "250");
    expect(
        &mut conn,
        Some(format!("MAIL FROM:<{from}>\r\n").as_bytes()),
        "250",
    );
    expect(
        &mut conn,
        Some(format!("RCPT TO:<{to}>\r\n").as_bytes()),
        "250",
    );
    expect(&mut conn, Some(b"DATA\r\n"), "354");
    expect(&mut conn, Some(&dot_stuff(raw)), "250");
    expect(&mut conn, Some(b"QUIT\r\n"), "221");
}

/// CRLF line ends, leading dots doubled, terminated by `.`.
fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 8);
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b".") {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    if raw.ends_with(b"\n") {
        out.truncate(out.len() - 2);
    }
    out.extend_from_slice(b".\r\n");
    out
}
