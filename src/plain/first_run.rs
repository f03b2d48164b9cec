//! The first run in screen-reader mode: the same explanation and the same three choices as the
//! full screen's two screens (`app::first_run`), asked as lines, and carried out the same way
//! (`cli::first_run::carry_out`).

use crate::app::first_run::{Choice, FirstRun, Screen};
use crate::app::Notice;
use crate::cli::first_run::{self as disk, Outcome, Setup};
use crate::cli::Cli;
use std::io::Write;

/// Ask where the office's database is (or open the demo), write this PC's config, and hand back
/// the command line to open the app with and what to tell the person; None when they leave, or
/// their input ends, having written nothing.
pub fn first_run(cli: &Cli, setup: &Setup) -> Result<Option<(Cli, Vec<String>)>, String> {
    let mut f = FirstRun::new(
        &setup.suggestion,
        &setup.login,
        &setup.config_file.display().to_string(),
    );
    f.read_only = cli.read_only;
    let mut out = std::io::stdout();
    let mut say = |lines: &[String]| -> Result<(), String> {
        for l in lines {
            writeln!(out, "{}", crate::text::clean(l))
                .map_err(|e| format!("The console failed: {e}"))?;
        }
        out.flush().map_err(|e| format!("The console failed: {e}"))
    };
    let mut intro: Vec<String> = vec!["safedesk, screen-reader mode: one line at a time.".into()];
    intro.extend(crate::app::first_run::INTRO.iter().map(|s| s.to_string()));
    say(&intro)?;
    // Which of the second screen's boxes is being asked for.
    let mut asking = 0;
    loop {
        if let Some(m) = f.message.take() {
            say(&[match m {
                Notice::Info(t) => t,
                Notice::Error(t) => format!("Not done: {t}"),
            }])?;
        }
        let question = match f.screen {
            Screen::Choose => {
                let mut q: Vec<String> = Choice::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{} or {}: {}", i + 1, c.key(), c.label()))
                    .collect();
                q.push("Type d, c or e, or quit to leave without writing anything.".into());
                q
            }
            Screen::Path => {
                let field = f.fields()[asking.min(f.fields().len() - 1)];
                let now = f.input(field).value().to_string();
                let keep = if now.trim().is_empty() {
                    String::new()
                } else {
                    format!(" Now: {now}. Press Enter to keep it.")
                };
                vec![format!(
                    "{}{keep} (Type back for the three choices again.)",
                    f.prompt(field)
                )]
            }
        };
        say(&question)?;
        let mut line = String::new();
        match std::io::stdin().read_line(&mut line) {
            Ok(0) => {
                say(&["End of input: nothing was written; safedesk has closed.".into()])?;
                return Ok(None);
            }
            Ok(_) => {}
            Err(e) => return Err(format!("The console stopped sending lines ({e}).")),
        }
        let text = crate::text::clean(line.trim_end_matches(['\r', '\n']));
        let text = text.trim();
        let word = text.to_lowercase();
        if matches!(word.as_str(), "quit" | "exit" | "q") && f.screen == Screen::Choose {
            say(&["Nothing was written; safedesk has closed.".into()])?;
            return Ok(None);
        }
        let step = match f.screen {
            Screen::Choose => match Choice::from_answer(text) {
                Some(c) => {
                    asking = 0;
                    f.choose(c)
                }
                None => {
                    f.message = Some(Notice::Info(format!(
                        "\"{text}\" is not one of the choices: type d, c or e (or 1, 2 or 3)."
                    )));
                    None
                }
            },
            Screen::Path if word == "back" => {
                f.back();
                None
            }
            Screen::Path => {
                let fields = f.fields();
                let field = fields[asking.min(fields.len() - 1)];
                if !text.is_empty() {
                    f.set(field, text);
                }
                asking += 1;
                if asking < fields.len() {
                    None
                } else {
                    let step = f.submit();
                    if step.is_none() {
                        // The box to answer again.
                        asking = fields.iter().position(|x| *x == f.focus).unwrap_or(0);
                    }
                    step
                }
            }
        };
        let Some(step) = step else { continue };
        match disk::carry_out(cli, setup, &mut f, step) {
            Outcome::Open(open, words) => return Ok(Some((*open, words))),
            Outcome::Quit => return Ok(None),
            Outcome::Again => {
                asking = f.fields().iter().position(|x| *x == f.focus).unwrap_or(0);
            }
        }
    }
}
