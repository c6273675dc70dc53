//! `watch`'s keys. On a terminal, each key acts when it is pressed: the
//! terminal's line mode and echo are off while `watch` runs (output is left
//! as it is), and they are put back on every way out: a return, an error, a
//! panic, or Ctrl-C. Without a terminal (a pipe, an editor's task), a key is a
//! line: `q`, `h`, or anything else to grade again.

use std::io::{BufRead, IsTerminal, Read};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Quit,
    Hint,
    Regrade,
}

/// The meaning of one key pressed on a terminal, if it has one.
pub fn key_of(byte: u8) -> Option<Key> {
    match byte {
        b'q' | b'Q' => Some(Key::Quit),
        b'h' | b'H' => Some(Key::Hint),
        b'\n' | b'\r' | b' ' => Some(Key::Regrade),
        _ => None,
    }
}

/// The meaning of a line typed where there is no terminal.
pub fn key_of_line(line: &str) -> Key {
    match line.trim() {
        "q" | "Q" => Key::Quit,
        "h" | "H" => Key::Hint,
        _ => Key::Regrade,
    }
}

/// Read keys on a thread of their own and hand each to `send`, until it
/// returns `false` or the input ends (which quits).
pub fn spawn_reader(send: impl Fn(Key) -> bool + Send + 'static) {
    let terminal = std::io::stdin().is_terminal();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        if terminal {
            for byte in stdin.lock().bytes() {
                let Ok(byte) = byte else { break };
                if let Some(key) = key_of(byte)
                    && !send(key)
                {
                    return;
                }
            }
        } else {
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                if !send(key_of_line(&line)) {
                    return;
                }
            }
        }
        send(Key::Quit);
    });
}

/// While alive, the terminal hands over each key at once, without echo.
pub struct KeyMode {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

#[cfg(unix)]
static SAVED: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

impl KeyMode {
    /// Turn the terminal's line mode and echo off, if stdin is a terminal.
    #[cfg(unix)]
    pub fn on() -> KeyMode {
        if !std::io::stdin().is_terminal() {
            return KeyMode { saved: None };
        }
        // SAFETY: `termios` is plain data, filled in by `tcgetattr`.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 is stdin, a terminal; `saved` is a valid termios.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut saved) } != 0 {
            return KeyMode { saved: None };
        }
        let mut keys = saved;
        keys.c_lflag &= !(libc::ICANON | libc::ECHO);
        keys.c_cc[libc::VMIN] = 1;
        keys.c_cc[libc::VTIME] = 0;
        let _ = SAVED.set(saved);
        // Ctrl-C stops the program without running destructors: put the
        // terminal back first.
        let _ = ctrlc::set_handler(|| {
            restore();
            std::process::exit(130);
        });
        // SAFETY: as above, with the modified copy.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &keys) };
        KeyMode { saved: Some(saved) }
    }

    #[cfg(not(unix))]
    pub fn on() -> KeyMode {
        KeyMode {}
    }
}

/// Put the terminal back as it was before [`KeyMode::on`].
#[cfg(unix)]
fn restore() {
    if let Some(saved) = SAVED.get() {
        // SAFETY: fd 0 is the terminal whose settings were saved.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved) };
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.saved.is_some() {
            restore();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_lines_mean_the_same() {
        assert_eq!(key_of(b'q'), Some(Key::Quit));
        assert_eq!(key_of(b'h'), Some(Key::Hint));
        assert_eq!(key_of(b'\n'), Some(Key::Regrade));
        assert_eq!(key_of(b'x'), None);
        assert_eq!(key_of_line(" q "), Key::Quit);
        assert_eq!(key_of_line("h"), Key::Hint);
        assert_eq!(key_of_line(""), Key::Regrade);
    }
}
