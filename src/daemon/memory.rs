//! Memory handed back to the system before a rest: the heap glibc keeps
//! after a cycle freed it, and the daemon's own code pages, which stay in
//! the page cache and are mapped again on first use.

use std::path::Path;

/// Hands the heap that a cycle freed back to the system. glibc keeps freed
/// memory in its arenas: after the first sync of a large mailbox the daemon
/// would otherwise idle for days at its peak size.
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer; it only returns free pages of
    // glibc's own arenas to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Unmaps the resident pages of the executable's code and read-only data.
/// A first sync runs through most of the 12 MB of machine code and 3 MB of
/// constants (and the kernel maps the pages around each one it faults in),
/// which then stay resident while the daemon waits in IDLE running a few
/// hundred kilobytes of them. They are clean copies of the file: they stay
/// in the page cache, where the kernel may reclaim them under pressure,
/// and the next wake maps the ones it needs again (minor faults).
pub fn release_code_pages() {
    #[cfg(target_os = "linux")]
    if let Err(err) = unmap_clean_file_pages() {
        tracing::debug!(error = %err, "cannot release the code pages");
    }
}

#[cfg(target_os = "linux")]
fn unmap_clean_file_pages() -> std::io::Result<()> {
    let exe = std::fs::read_link("/proc/self/exe")?;
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    for (start, end) in clean_ranges(&smaps, &exe) {
        // SAFETY: [start, end) is a private, read-only mapping of the
        // executable file that the kernel says holds no private copy of any
        // page (`Anonymous: 0 kB`): every resident page is the file's. Not
        // writable, it cannot get one before this call. MADV_DONTNEED only
        // drops the page-table entries, and the next access maps the same
        // bytes from the file.
        let done =
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
        if done != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The address ranges of `exe` in a `/proc/self/smaps` listing that can be
/// dropped and read again from the file: private, read-only (code, `r-xp`,
/// and constants, `r--p`), with no page copied privately. Data the loader
/// relocated before making it read-only (RELRO) is such a copy, and is
/// left alone, as is anything writable.
fn clean_ranges(smaps: &str, exe: &Path) -> Vec<(usize, usize)> {
    let exe = exe.to_string_lossy();
    let mut ranges = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut anonymous: Option<u64> = None;
    let mut settle = |current: Option<(usize, usize)>, anonymous: Option<u64>| {
        if let (Some(range), Some(0)) = (current, anonymous) {
            ranges.push(range);
        }
    };
    for line in smaps.lines() {
        if let Some(value) = line.strip_prefix("Anonymous:") {
            anonymous = value.trim().trim_end_matches("kB").trim().parse().ok();
            continue;
        }
        let Some(mapping) = mapping(line) else {
            continue;
        };
        settle(current.take(), anonymous.take());
        let (range, perms, path) = mapping;
        if matches!(perms, "r-xp" | "r--p") && path == exe {
            current = Some(range);
        }
    }
    settle(current, anonymous);
    ranges
}

/// A mapping's header line: `address perms offset dev inode pathname`
/// (the path may hold spaces); `None` for the fields that follow it.
fn mapping(line: &str) -> Option<((usize, usize), &str, &str)> {
    let mut fields = line.splitn(6, ' ');
    let (start, end) = fields.next()?.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    let perms = fields.next()?;
    let path = fields.nth(3).map_or("", str::trim_start);
    (start < end && perms.len() == 4).then_some(((start, end), perms, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(range: &str, perms: &str, path: &str, anonymous: u64) -> String {
        format!(
            "{range} {perms} 00000000 08:01 1311                       {path}\n\
             Size:               1600 kB\nRss:                 800 kB\n\
             Anonymous:          {anonymous} kB\nVmFlags: rd mr mw me\n"
        )
    }

    fn smaps() -> String {
        [
            entry(
                "55d0c4a00000-55d0c4b8f000",
                "r--p",
                "/usr/local/bin/relance",
                0,
            ),
            entry(
                "55d0c4b8f000-55d0c56f0000",
                "r-xp",
                "/usr/local/bin/relance",
                0,
            ),
            // RELRO: relocated, then made read-only.
            entry(
                "55d0c56f0000-55d0c5a10000",
                "r--p",
                "/usr/local/bin/relance",
                1740,
            ),
            entry(
                "55d0c5a10000-55d0c5a90000",
                "rw-p",
                "/usr/local/bin/relance",
                0,
            ),
            entry("55d0c6000000-55d0c6100000", "rw-p", "[heap]", 1024),
            entry(
                "7f1e2c000000-7f1e2c180000",
                "r-xp",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                0,
            ),
            entry(
                "7f1e2d000000-7f1e2d010000",
                "r-xp",
                "/usr/local/bin/relance-old",
                0,
            ),
            entry("7ffd1c000000-7ffd1c002000", "r-xp", "[vdso]", 0),
        ]
        .concat()
    }

    #[test]
    fn only_the_executables_clean_read_only_pages_are_listed() {
        let ranges = clean_ranges(&smaps(), Path::new("/usr/local/bin/relance"));
        assert_eq!(
            ranges,
            vec![
                (0x55d0_c4a0_0000, 0x55d0_c4b8_f000),
                (0x55d0_c4b8_f000, 0x55d0_c56f_0000)
            ]
        );
    }

    #[test]
    fn a_replaced_executable_is_still_found() {
        let smaps = entry("7f00-8f00", "r-xp", "/opt/relance (deleted)", 0);
        let ranges = clean_ranges(&smaps, Path::new("/opt/relance (deleted)"));
        assert_eq!(ranges, vec![(0x7f00, 0x8f00)]);
    }

    #[test]
    fn a_mapping_whose_copies_are_not_told_is_left_alone() {
        let smaps = "7f00-8f00 r-xp 00000000 08:01 9 /opt/relance\nRss: 4 kB\n";
        assert!(clean_ranges(smaps, Path::new("/opt/relance")).is_empty());
        let garbled = "zz-8f00 r-xp 0 08:01 9 /opt/relance\nAnonymous: 0 kB\n\
                       8f00-7f00 r-xp 0 08:01 9 /opt/relance\nAnonymous: 0 kB\n\nr-xp\n";
        assert!(clean_ranges(garbled, Path::new("/opt/relance")).is_empty());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn released_pages_leave_the_resident_set_and_work_again() {
        let exe = std::fs::read_link("/proc/self/exe").unwrap();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        assert!(clean_ranges(&smaps, &exe).len() >= 2, "code and constants");
        let before = rss_file_kb();
        unmap_clean_file_pages().unwrap();
        let after = rss_file_kb();
        assert!(
            after < before,
            "RssFile {before} kB before, {after} kB after"
        );
        // Code and constants elsewhere in the binary, mapped back on demand.
        let re = regex::Regex::new(r"^(\d+)-(\d+)$").unwrap();
        assert_eq!(&re.captures("12-34").unwrap()[2], "34");
    }

    fn rss_file_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("RssFile:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}
