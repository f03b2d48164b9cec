//! Printing a command's output so that a closed pipe ends it quietly: `safedesk lookup x | head
//! -c1` reads one byte and closes the pipe, and `println!` would then panic (exit 101). Here a
//! write that fails (a broken pipe, a closed console) stops the output, and the command goes on
//! to finish its work and exit with its documented code.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when standard output could not be written: nothing more is tried.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// Write to `w` unless an earlier write failed; a failure stops all later output. Returns
/// whether the text was written.
pub fn write_to(w: &mut dyn Write, args: std::fmt::Arguments<'_>) -> bool {
    if STOPPED.load(Ordering::Relaxed) {
        return false;
    }
    match w.write_fmt(args).and_then(|()| w.flush()) {
        Ok(()) => true,
        Err(_) => {
            // A broken pipe is the reader having enough; any other failure (a full disk behind
            // a redirect) is reported by nobody better: stop either way, never panic.
            STOPPED.store(true, Ordering::Relaxed);
            false
        }
    }
}

/// Print to standard output (what [`out!`] and [`outln!`] use).
pub fn print(args: std::fmt::Arguments<'_>) -> bool {
    write_to(&mut std::io::stdout().lock(), args)
}

/// Whether output has stopped because standard output was closed.
pub fn stopped() -> bool {
    STOPPED.load(Ordering::Relaxed)
}

/// Print to standard output, quietly stopping if it is closed: `print!` without the panic.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        $crate::cli::out::print(format_args!($($arg)*));
    }};
}

/// Print a line to standard output, quietly stopping if it is closed: `println!` without the
/// panic.
#[macro_export]
macro_rules! outln {
    () => {{
        $crate::cli::out::print(format_args!("\n"));
    }};
    ($($arg:tt)*) => {{
        $crate::cli::out::print(format_args!("{}\n", format_args!($($arg)*)));
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that went away after taking `room` bytes.
    struct Pipe {
        taken: Vec<u8>,
        room: usize,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.taken.len() >= self.room {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room - self.taken.len());
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stops_the_output_without_a_panic() {
        let mut p = Pipe {
            taken: Vec::new(),
            room: 3,
        };
        assert!(!write_to(&mut p, format_args!("Deborah Johnson\n")));
        assert!(stopped());
        assert!(!write_to(&mut p, format_args!("more\n")));
        assert_eq!(p.taken, b"Deb");
        STOPPED.store(false, Ordering::Relaxed);
    }
}
