//! A shim over the platform's own SQLite file layer (its VFS): it counts every operation SQLite
//! makes on the database and journal files (reads, writes, locks, syncs, size checks, existence
//! checks) and can add a delay to each one, so safedesk can be measured, and tested, as if its file
//! sat on a slow network drive. The benchmarks and tests use it; a normal run never does.
//!
//! It can also make every operation fail, as when the drive goes away, and work again; or fail
//! only reads, the way a network mount that drops out answers (an I/O error, or a short read
//! that SQLite fills with zeros and then calls "malformed").
//!
//! And it can refuse to delete files, as Samba does when a FUSE mount (smbnetfs) has not yet
//! released a journal SQLite has closed: the delete fails with `SQLITE_IOERR_DELETE` and the
//! journal stays, about 1 save in 100 on a real share ([`fail_deletes`]).
//!
//! Open a store through it with [`OpenOptions::vfs`](crate::store::OpenOptions) set to
//! [`register()`]'s name. Counts and the delay are for the whole process.

use rusqlite::ffi;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// The name the shim is registered under.
pub const NAME: &str = "safedesk-shim";

/// What the shim counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OpCounts {
    pub reads: u64,
    pub bytes_read: u64,
    pub writes: u64,
    pub bytes_written: u64,
    pub syncs: u64,
    /// Taking, releasing or testing a lock.
    pub locks: u64,
    /// Asking a file's size.
    pub sizes: u64,
    /// Asking whether a file exists (SQLite's check for a hot journal).
    pub exists: u64,
    pub opens: u64,
    pub deletes: u64,
    pub truncates: u64,
}

impl OpCounts {
    /// Every operation that touched the file system.
    pub fn total(&self) -> u64 {
        self.reads
            + self.writes
            + self.syncs
            + self.locks
            + self.sizes
            + self.exists
            + self.opens
            + self.deletes
            + self.truncates
    }

    /// The operations between `before` and `self`.
    pub fn since(&self, before: &OpCounts) -> OpCounts {
        OpCounts {
            reads: self.reads - before.reads,
            bytes_read: self.bytes_read - before.bytes_read,
            writes: self.writes - before.writes,
            bytes_written: self.bytes_written - before.bytes_written,
            syncs: self.syncs - before.syncs,
            locks: self.locks - before.locks,
            sizes: self.sizes - before.sizes,
            exists: self.exists - before.exists,
            opens: self.opens - before.opens,
            deletes: self.deletes - before.deletes,
            truncates: self.truncates - before.truncates,
        }
    }
}

const READS: usize = 0;
const BYTES_READ: usize = 1;
const WRITES: usize = 2;
const BYTES_WRITTEN: usize = 3;
const SYNCS: usize = 4;
const LOCKS: usize = 5;
const SIZES: usize = 6;
const EXISTS: usize = 7;
const OPENS: usize = 8;
const DELETES: usize = 9;
const TRUNCATES: usize = 10;

static COUNTS: [AtomicU64; 11] = [const { AtomicU64::new(0) }; 11];
static DELAY_US: AtomicU64 = AtomicU64::new(0);
/// How many of the next deletes to refuse.
static FAIL_DELETES: AtomicU64 = AtomicU64::new(0);
static FAILING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// The counts so far.
pub fn counts() -> OpCounts {
    let c = |i: usize| COUNTS[i].load(Ordering::Relaxed);
    OpCounts {
        reads: c(READS),
        bytes_read: c(BYTES_READ),
        writes: c(WRITES),
        bytes_written: c(BYTES_WRITTEN),
        syncs: c(SYNCS),
        locks: c(LOCKS),
        sizes: c(SIZES),
        exists: c(EXISTS),
        opens: c(OPENS),
        deletes: c(DELETES),
        truncates: c(TRUNCATES),
    }
}

/// Add `d` to every file operation from now on (zero: none).
pub fn set_delay(d: Duration) {
    DELAY_US.store(d.as_micros() as u64, Ordering::Relaxed);
}

/// Make every file operation fail from now on (true), as when the network drive has gone, or
/// work again (false).
pub fn set_failing(failing: bool) {
    FAILING.store(failing, Ordering::Relaxed);
}

/// Refuse the next `n` file deletes with `SQLITE_IOERR_DELETE`, leaving the file where it is,
/// as Samba does with a journal a FUSE mount still holds open (zero: refuse none).
pub fn fail_deletes(n: u64) {
    FAIL_DELETES.store(n, Ordering::Relaxed);
}

/// True (and one fewer left) when this delete is to be refused.
fn refuse_delete() -> bool {
    FAIL_DELETES
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

fn failing() -> bool {
    FAILING.load(Ordering::Relaxed)
}

/// How reads are answered (writes, locks and the rest are not changed by this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// As the platform answers them.
    Work,
    /// Every read fails with an I/O error (SQLITE_IOERR_READ), as EIO from a network mount.
    Fail,
    /// Every read starting at or past this offset comes back short, its buffer zeros
    /// (SQLITE_IOERR_SHORT_READ): SQLite reads such a page as zeros and reports the file as
    /// "malformed", though nothing in the file is wrong.
    ShortFrom(u64),
    /// Only the first read at or past this offset comes back short; later reads work: a mount
    /// that dropped out for a moment and came back before anyone looked again.
    ShortOnceFrom(u64),
}

static READS_MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
static SHORT_FROM: AtomicU64 = AtomicU64::new(0);

/// Answer reads this way from now on ([`Reads::Work`] to stop).
pub fn set_reads(r: Reads) {
    let (mode, from) = match r {
        Reads::Work => (0, 0),
        Reads::Fail => (1, 0),
        Reads::ShortFrom(off) => (2, off),
        Reads::ShortOnceFrom(off) => (3, off),
    };
    SHORT_FROM.store(from, Ordering::Relaxed);
    READS_MODE.store(mode, Ordering::Relaxed);
}

/// Count one operation (and `bytes`), then wait the delay, as a slow drive would.
fn tick(what: usize, bytes: Option<(usize, u64)>) {
    COUNTS[what].fetch_add(1, Ordering::Relaxed);
    if let Some((i, n)) = bytes {
        COUNTS[i].fetch_add(n, Ordering::Relaxed);
    }
    let us = DELAY_US.load(Ordering::Relaxed);
    if us > 0 {
        std::thread::sleep(Duration::from_micros(us));
    }
}

/// Register the shim over the default VFS (once per process) and return its name.
pub fn register() -> Result<&'static str, String> {
    REGISTERED
        .get_or_init(|| unsafe { register_now() })
        .clone()
        .map(|_| NAME)
}

/// A file as the shim hands it to SQLite: its methods, then the platform's own file right
/// after it in the same allocation (SQLite allocates `szOsFile` bytes for each open file).
#[repr(C)]
struct ShimFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
}

unsafe fn base_vfs(vfs: *mut ffi::sqlite3_vfs) -> *mut ffi::sqlite3_vfs {
    (*vfs).pAppData as *mut ffi::sqlite3_vfs
}

unsafe fn real(f: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    (*(f as *mut ShimFile)).real
}

unsafe fn register_now() -> Result<(), String> {
    let base = ffi::sqlite3_vfs_find(std::ptr::null());
    if base.is_null() {
        return Err("SQLite has no default file layer to wrap".into());
    }
    let name = CString::new(NAME).expect("no NUL in the name");
    // The shim copies the default VFS and replaces what touches files; the rest (time,
    // randomness, sleeping, loading extensions) is the platform's own.
    let mut vfs: ffi::sqlite3_vfs = std::ptr::read(base);
    vfs.iVersion = vfs.iVersion.min(3);
    vfs.szOsFile = (std::mem::size_of::<ShimFile>() as c_int) + (*base).szOsFile;
    vfs.pNext = std::ptr::null_mut();
    vfs.zName = name.into_raw();
    vfs.pAppData = base as *mut c_void;
    vfs.xOpen = Some(x_open);
    vfs.xDelete = Some(x_delete);
    vfs.xAccess = Some(x_access);
    vfs.xFullPathname = Some(x_full_pathname);
    let vfs = Box::into_raw(Box::new(vfs));
    let rc = ffi::sqlite3_vfs_register(vfs, 0);
    if rc != ffi::SQLITE_OK {
        return Err(format!("SQLite refused the shim file layer (code {rc})"));
    }
    Ok(())
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    tick(OPENS, None);
    if failing() {
        (*(file as *mut ShimFile)).base.pMethods = std::ptr::null();
        return ffi::SQLITE_CANTOPEN;
    }
    let base = base_vfs(vfs);
    let shim = file as *mut ShimFile;
    let inner = (file as *mut u8).add(std::mem::size_of::<ShimFile>()) as *mut ffi::sqlite3_file;
    (*shim).base.pMethods = std::ptr::null();
    (*shim).real = inner;
    let open = (*base).xOpen.expect("every VFS opens files");
    let rc = open(base, name, inner, flags, out_flags);
    if !(*inner).pMethods.is_null() {
        (*shim).base.pMethods = &IO;
    }
    rc
}

unsafe extern "C" fn x_delete(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync: c_int,
) -> c_int {
    tick(DELETES, None);
    if failing() || refuse_delete() {
        return ffi::SQLITE_IOERR_DELETE;
    }
    let base = base_vfs(vfs);
    (*base).xDelete.expect("every VFS deletes")(base, name, sync)
}

unsafe extern "C" fn x_access(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    tick(EXISTS, None);
    if failing() {
        return ffi::SQLITE_IOERR_ACCESS;
    }
    let base = base_vfs(vfs);
    (*base).xAccess.expect("every VFS checks access")(base, name, flags, out)
}

unsafe extern "C" fn x_full_pathname(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let base = base_vfs(vfs);
    (*base).xFullPathname.expect("every VFS resolves paths")(base, name, n, out)
}

/// Version 1 of the file methods: no shared memory and no memory mapping, which safedesk never
/// uses (rollback journal, mmap off).
static IO: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 1,
    xClose: Some(f_close),
    xRead: Some(f_read),
    xWrite: Some(f_write),
    xTruncate: Some(f_truncate),
    xSync: Some(f_sync),
    xFileSize: Some(f_size),
    xLock: Some(f_lock),
    xUnlock: Some(f_unlock),
    xCheckReservedLock: Some(f_check_reserved),
    xFileControl: Some(f_control),
    xSectorSize: Some(f_sector),
    xDeviceCharacteristics: Some(f_device),
    xShmMap: None,
    xShmLock: None,
    xShmBarrier: None,
    xShmUnmap: None,
    xFetch: None,
    xUnfetch: None,
};

macro_rules! forward {
    ($f:expr, $method:ident $(, $arg:expr)*) => {{
        let r = real($f);
        ((*(*r).pMethods).$method.expect("the platform file has this method"))(r $(, $arg)*)
    }};
}

unsafe extern "C" fn f_close(f: *mut ffi::sqlite3_file) -> c_int {
    forward!(f, xClose)
}

unsafe extern "C" fn f_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    n: c_int,
    off: i64,
) -> c_int {
    tick(READS, Some((BYTES_READ, n.max(0) as u64)));
    match READS_MODE.load(Ordering::Relaxed) {
        _ if failing() => return ffi::SQLITE_IOERR_READ,
        1 => return ffi::SQLITE_IOERR_READ,
        mode @ (2 | 3) if off >= 0 && off as u64 >= SHORT_FROM.load(Ordering::Relaxed) => {
            if mode == 3 {
                READS_MODE.store(0, Ordering::Relaxed);
            }
            // As a short read must: what was not read is zeros.
            std::ptr::write_bytes(buf as *mut u8, 0, n.max(0) as usize);
            return ffi::SQLITE_IOERR_SHORT_READ;
        }
        _ => {}
    }
    forward!(f, xRead, buf, n, off)
}

unsafe extern "C" fn f_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    n: c_int,
    off: i64,
) -> c_int {
    tick(WRITES, Some((BYTES_WRITTEN, n.max(0) as u64)));
    if failing() {
        return ffi::SQLITE_IOERR_WRITE;
    }
    forward!(f, xWrite, buf, n, off)
}

unsafe extern "C" fn f_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    tick(TRUNCATES, None);
    if failing() {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    forward!(f, xTruncate, size)
}

unsafe extern "C" fn f_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    tick(SYNCS, None);
    if failing() {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    forward!(f, xSync, flags)
}

unsafe extern "C" fn f_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    tick(SIZES, None);
    if failing() {
        return ffi::SQLITE_IOERR_FSTAT;
    }
    forward!(f, xFileSize, size)
}

unsafe extern "C" fn f_lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    tick(LOCKS, None);
    if failing() {
        return ffi::SQLITE_IOERR_LOCK;
    }
    forward!(f, xLock, level)
}

unsafe extern "C" fn f_unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    tick(LOCKS, None);
    forward!(f, xUnlock, level)
}

unsafe extern "C" fn f_check_reserved(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    tick(LOCKS, None);
    if failing() {
        return ffi::SQLITE_IOERR_CHECKRESERVEDLOCK;
    }
    forward!(f, xCheckReservedLock, out)
}

unsafe extern "C" fn f_control(f: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    forward!(f, xFileControl, op, arg)
}

unsafe extern "C" fn f_sector(f: *mut ffi::sqlite3_file) -> c_int {
    forward!(f, xSectorSize)
}

unsafe extern "C" fn f_device(f: *mut ffi::sqlite3_file) -> c_int {
    forward!(f, xDeviceCharacteristics)
}
