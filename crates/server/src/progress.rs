//! Progress of `import indicators` on standard error: a bar redrawn in place when standard error is
//! a terminal, plain lines otherwise (a log or a pipe gets a handful of lines, not a redraw per
//! batch).

use safeguard_service::performance::Progress;
use std::io::{IsTerminal, Write};

const WIDTH: usize = 30;

/// The progress of one import.
pub struct Bar {
    file: String,
    terminal: bool,
    values: usize,
    /// The last tenth printed as a plain line.
    last_tenth: usize,
    drawn: bool,
}

impl Bar {
    /// A bar for `file`, drawn on a terminal when standard error is one.
    pub fn new(file: &str) -> Bar {
        Bar {
            file: file.to_owned(),
            terminal: std::io::stderr().is_terminal(),
            values: 0,
            last_tenth: 0,
            drawn: false,
        }
    }

    /// The values checked (what is written when it is accepted).
    pub fn values(&self) -> usize {
        self.values
    }

    /// Shows how far the import has got.
    pub fn update(&mut self, p: Progress) {
        let mut err = std::io::stderr().lock();
        match p {
            Progress::Read(rows) => {
                let _ = writeln!(err, "{}: read {rows} rows", self.file);
            }
            Progress::Checked(values) => {
                self.values = values;
                let _ = writeln!(
                    err,
                    "{}: every row checked; writing {values} values",
                    self.file
                );
            }
            Progress::Written(done) => {
                let total = self.values.max(1);
                if self.terminal {
                    let filled = done.min(total) * WIDTH / total;
                    let _ = write!(
                        err,
                        "\r[{}{}] {:>3}% {done}/{} values",
                        "#".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        done.min(total) * 100 / total,
                        self.values
                    );
                    self.drawn = true;
                } else {
                    let tenth = done.min(total) * 10 / total;
                    if tenth > self.last_tenth || done == total {
                        self.last_tenth = tenth;
                        let _ = writeln!(err, "written {done}/{} values", self.values);
                    }
                }
            }
        }
        let _ = err.flush();
    }

    /// Ends the bar's line.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr());
            self.drawn = false;
        }
    }
}
