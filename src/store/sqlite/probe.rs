//! Before anything is called damaged: can the file be read at all? An I/O error from a network
//! mount (EIO, a short read) reaches SQLite as an error or as zeros, which it reports as
//! "malformed"; real damage reads back without error. So the file is opened and read again,
//! through the same file layer SQLite uses, and its header checked: if that fails, it is the
//! drive, not the file.
//!
//! Through SQLite's own file layer, not `std::fs`: on Unix, closing any handle of a file drops
//! every lock this process holds on it (POSIX locks), which would free a lock the connection
//! still holds. SQLite's layer shares one handle per file and closes it only when that is safe.

use rusqlite::ffi;
use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::path::Path;

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Ok when the file can be opened, its header reads right and its last page reads in full;
/// otherwise why not, in words.
pub(super) fn readable(path: &Path, vfs: Option<&str>) -> Result<(), String> {
    let vfs_name = match vfs.map(CString::new).transpose() {
        Ok(n) => n,
        Err(_) => return Err("the file layer's name is not valid".into()),
    };
    let name = CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| "the path holds a NUL character".to_string())?;
    // SAFETY: the VFS is SQLite's (or the shim over it), alive for the whole process; every
    // buffer handed to it is at least as long as we say, and the file is closed before the
    // memory it lives in is dropped.
    unsafe {
        let v = ffi::sqlite3_vfs_find(vfs_name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()));
        if v.is_null() {
            return Err("SQLite's file layer could not be found".into());
        }
        let mx = (*v).mxPathname.max(256) as usize;
        // Room for the path and the NULs SQLite expects after a database file's name.
        let mut full = vec![0 as c_char; mx + 8];
        let Some(full_pathname) = (*v).xFullPathname else {
            return Err("SQLite's file layer cannot name files".into());
        };
        let rc = full_pathname(v, name.as_ptr(), mx as c_int, full.as_mut_ptr());
        if rc != ffi::SQLITE_OK {
            return Err(format!("its full path could not be worked out (code {rc})"));
        }
        let len = full.iter().position(|c| *c == 0).unwrap_or(mx);
        full[len..].iter_mut().for_each(|c| *c = 0);

        let Some(open) = (*v).xOpen else {
            return Err("SQLite's file layer cannot open files".into());
        };
        let words = ((*v).szOsFile.max(0) as usize).div_ceil(8) + 1;
        let mut mem = vec![0u64; words];
        let file = mem.as_mut_ptr() as *mut ffi::sqlite3_file;
        let mut out_flags: c_int = 0;
        let rc = open(
            v,
            full.as_ptr(),
            file,
            ffi::SQLITE_OPEN_READONLY | ffi::SQLITE_OPEN_MAIN_DB,
            &mut out_flags,
        );
        let methods = (*file).pMethods;
        if rc != ffi::SQLITE_OK || methods.is_null() {
            if !methods.is_null() {
                if let Some(close) = (*methods).xClose {
                    close(file);
                }
            }
            return Err(format!("the file cannot be opened again (I/O code {rc})"));
        }
        let result = read_back(file, methods);
        if let Some(close) = (*methods).xClose {
            close(file);
        }
        result
    }
}

/// Read the header and the last page of an open file.
unsafe fn read_back(
    file: *mut ffi::sqlite3_file,
    methods: *const ffi::sqlite3_io_methods,
) -> Result<(), String> {
    let (Some(read), Some(size_of)) = ((*methods).xRead, (*methods).xFileSize) else {
        return Err("the file cannot be read".into());
    };
    let mut header = [0u8; 100];
    let rc = read(file, header.as_mut_ptr().cast(), 100, 0);
    if rc != ffi::SQLITE_OK {
        return Err(format!("its first bytes cannot be read (I/O code {rc})"));
    }
    if &header[..16] != MAGIC {
        return Err("its first bytes do not read as an SQLite file".into());
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => return Err(format!("its header gives an impossible page size ({n})")),
    };
    let mut size: i64 = 0;
    let rc = size_of(file, &mut size);
    if rc != ffi::SQLITE_OK {
        return Err(format!("its size cannot be read (I/O code {rc})"));
    }
    let size = size.max(0) as u64;
    if size < page_size {
        return Err(format!("it is shorter than one page ({size} bytes)"));
    }
    let last = (size / page_size - 1) * page_size;
    let mut page = vec![0u8; page_size as usize];
    let rc = read(
        file,
        page.as_mut_ptr().cast(),
        page_size as c_int,
        last as i64,
    );
    if rc != ffi::SQLITE_OK {
        return Err(format!("its last page cannot be read (I/O code {rc})"));
    }
    Ok(())
}
