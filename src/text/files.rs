//! Text files as Windows programs write them: UTF-8 with or without a byte-order mark (Notepad),
//! UTF-16 with one (PowerShell 5.1's `>` and `Out-File`), lines ending CRLF. Every file safedesk
//! reads as text (the config, a policy, the organisation's details, letter templates, imports)
//! comes through [`read_text`], so all of them take the same files.

/// Text from a file's bytes: the byte-order mark dropped, UTF-16 turned to UTF-8, CRLF line
/// ends made LF. Bytes that are none of those give a sentence saying what to do.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(rest)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)?
    } else {
        utf8(bytes)?
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

const SAVE_AS: &str = "Save it as UTF-8 (in Notepad: File, Save as, Encoding UTF-8) and try again.";

fn utf8(bytes: &[u8]) -> Result<String, String> {
    // UTF-16 without its mark: every other byte of English text is a zero (which UTF-8 allows,
    // but no text file holds).
    let zeros = bytes.iter().take(200).filter(|b| **b == 0).count();
    if zeros > 0 && zeros * 4 >= bytes.len().min(200) {
        return Err(format!(
            "it looks like UTF-16 text without the mark that says so. {SAVE_AS}"
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Err(format!(
                "it is not UTF-8 text: line {line} has a character that cannot be read (byte {:#04x}), as a file saved as Windows-1252 (\"ANSI\") would. {SAVE_AS}",
                bytes[at]
            ))
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    if bytes.len() % 2 != 0 {
        return Err(format!(
            "it says it is UTF-16 text but ends half-way through a character: it may be cut short. {SAVE_AS}"
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => out.push(c),
            Err(_) => {
                let line = out.matches('\n').count() + 1;
                return Err(format!(
                    "it is UTF-16 text with a broken character on line {line} (character {}). {SAVE_AS}",
                    i + 1
                ));
            }
        }
    }
    Ok(out)
}

/// Read a text file as [`decode_text`] takes it. Text that cannot be read is an error of kind
/// `InvalidData` whose message is the sentence alone ("it is not UTF-8 text: ... Save it as
/// UTF-8 ..."), so `format!("{path} cannot be read ({e})")` reads well either way.
pub fn read_text(path: &std::path::Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    decode_text(&bytes).map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidData, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn every_way_windows_saves_text_reads_the_same() {
        let want = "name,phone\nZoë Åberg,07700 900123\n";
        let crlf = want.replace('\n', "\r\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(crlf.as_bytes());
        let mut be = vec![0xFE, 0xFF];
        for u in crlf.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        for bytes in [
            want.as_bytes().to_vec(),
            crlf.as_bytes().to_vec(),
            bom,
            utf16le(&crlf, true),
            be,
        ] {
            assert_eq!(decode_text(&bytes).unwrap(), want);
        }
        assert_eq!(decode_text(b"").unwrap(), "");
        assert_eq!(decode_text(b"\xEF\xBB\xBF").unwrap(), "");
    }

    #[test]
    fn bytes_that_are_not_text_say_what_to_do() {
        // Windows-1252 "Zoë": ë is 0xEB.
        let e = decode_text(b"id,name\n1,Zo\xEB\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("Windows-1252"), "{e}");
        assert!(e.contains("Save it as UTF-8"), "{e}");
        let e = decode_text(&utf16le("db = 'S:\\x'\n", false)).unwrap_err();
        assert!(e.contains("UTF-16 text without the mark"), "{e}");
        let mut cut = utf16le("abc", true);
        cut.push(0x41);
        assert!(decode_text(&cut).unwrap_err().contains("half-way"));
        // A lone surrogate.
        assert!(decode_text(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])
            .unwrap_err()
            .contains("broken character on line 1"));
    }
}
