//! Reading inputs: regular files only (a FIFO or a device never blocks or floods a run), up to
//! a size limit, and the profile.

use std::io::Read;
use std::path::Path;

use linkscope::Profile;

use crate::exit::Failure;
use crate::term::diag;

/// The limit on a profile: a real one is a few hundred bytes.
pub const MAX_PROFILE_SIZE: u64 = 1024 * 1024;

/// Parses a size such as `1048576`, `500K`, `64M` or `2G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let factor: u64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("'{s}' is not a size (e.g. 500K, 64M, 2G)")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("'{s}' is not a size (e.g. 500K, 64M, 2G)"))
}

/// The bytes of `path`, which must be a regular file of at most `max` bytes. `what` names the
/// file in messages ("profile", or nothing for a source).
pub fn read_file(path: &Path, max: u64, hint: &str) -> Result<Vec<u8>, String> {
    // Checked before opening: opening a FIFO blocks until someone writes to it.
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let too_big = |size: &str| format!("{size} bytes, over the limit of {max} bytes{hint}");
    if meta.len() > max {
        return Err(too_big(&meta.len().to_string()));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(too_big("more than"));
    }
    Ok(bytes)
}

/// Standard input, up to `max` bytes.
pub fn read_stdin(max: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "more than {max} bytes on standard input (raise the limit with --max-file-size)"
        ));
    }
    Ok(bytes)
}

/// Reads and validates a profile; its warnings go to stderr.
pub fn load_profile(path: &Path) -> Result<Profile, Failure> {
    let bytes = read_file(path, MAX_PROFILE_SIZE, "")
        .map_err(|e| Failure(format!("cannot read profile {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure(format!("{}: the profile is not UTF-8 text", path.display())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let profile =
        Profile::from_json(text).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    for warning in profile.warnings() {
        diag(&format!("warning: {}: {warning}", path.display()));
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }
}
