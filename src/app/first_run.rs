//! The first start on a PC with no database set: what safedesk needs (ONE database file in a
//! folder on the office's shared drive) and three ways on: try the demo, create the office
//! database, or use an existing one. At most two screens: [`Screen::Choose`], then for c and e
//! [`Screen::Path`].
//!
//! State and actions only: the screens are drawn by `ui::first_run`; checking a path, creating
//! the database and writing this PC's config are done by whoever runs it (`tui`, with
//! `cli::first_run`), which hands back a refusal with [`FirstRun::refused`].
//!
//! A front end that reads lines rather than keys asks the same questions: print [`INTRO`] and,
//! for each of [`Choice::ALL`], its [`Choice::key`] and [`Choice::label`]; give the answer to
//! [`Choice::from_answer`] and [`FirstRun::choose`]; then for each of [`FirstRun::fields`] print
//! [`FirstRun::prompt`] and give the line to [`FirstRun::set`]; [`FirstRun::submit`] says what to
//! do ([`Step`]), or leaves a sentence in [`FirstRun::message`] and the field to ask again in
//! [`FirstRun::focus`].

use super::Notice;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// The longest path the path box keeps (a longer paste is cut, and said so).
pub const MAX_PATH: usize = 1024;
/// The longest name the name box keeps.
pub const MAX_NAME: usize = 100;

/// What safedesk needs, in the words of the first screen (one paragraph each).
pub const INTRO: &[&str] = &[
    "safedesk keeps its records in ONE database file that everyone in the office shares, so that reception, the phone team and managers all see the same records.",
    "Put it in a folder on the office's shared drive that every PC maps the same way, for example S:\\safedesk\\safedesk.sqlite. Do not put it on this PC's own disk unless this is the only PC that will use safedesk.",
    "This PC has no database set yet. What would you like to do?",
];

/// The three ways on from the first screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Demo,
    Create,
    Existing,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Demo, Choice::Create, Choice::Existing];

    /// The letter that chooses it (its number in [`Choice::ALL`] does too).
    pub fn key(self) -> char {
        match self {
            Choice::Demo => 'd',
            Choice::Create => 'c',
            Choice::Existing => 'e',
        }
    }

    /// What it does, after its title.
    pub fn detail(self) -> &'static str {
        match self {
            Choice::Demo => {
                "Made-up records to practise on. Nothing is written to this PC's settings."
            }
            Choice::Create => {
                "You become its first admin. Do this once, on one PC; everyone else then chooses e."
            }
            Choice::Existing => "A colleague has created it already: give its path.",
        }
    }

    /// Its title and what it does, in one line (for a front end that prints lines).
    pub fn label(self) -> String {
        format!("{}: {}", self.title(), self.detail())
    }

    /// The second screen's title.
    pub fn title(self) -> &'static str {
        match self {
            Choice::Demo => "Try the demo",
            Choice::Create => "Create the office database",
            Choice::Existing => "Use an existing office database",
        }
    }

    /// A typed answer: the letter, the number, or the first word of the label.
    pub fn from_answer(answer: &str) -> Option<Choice> {
        let a = answer.trim().to_lowercase();
        Choice::ALL.into_iter().enumerate().find_map(|(i, c)| {
            let first = c.title().split_whitespace().next().unwrap_or_default();
            (a == c.key().to_string() || a == (i + 1).to_string() || a == first.to_lowercase())
                .then_some(c)
        })
    }
}

/// Which screen is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Choose,
    Path,
}

/// A box on the second screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Path,
    Name,
}

/// What the caller is to do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Leave, writing nothing.
    Quit,
    /// Open the demo, writing nothing to this PC's settings.
    Demo,
    /// Make the office database at `path` with this person as its first admin, then write it
    /// into this PC's config and open it.
    Create { path: String, name: String },
    /// Check that `path` is a safedesk database, then write it into this PC's config and open it.
    Existing { path: String },
}

pub struct FirstRun {
    pub screen: Screen,
    /// The highlighted line on the first screen (an index into [`Choice::ALL`]).
    pub selected: usize,
    /// What was chosen on the first screen (for the second).
    pub choice: Choice,
    pub path: Input,
    pub name: Input,
    pub focus: Field,
    /// The last refusal or remark, shown under the boxes.
    pub message: Option<Notice>,
    /// The path the path box starts with.
    pub suggestion: String,
    /// Who is at the keyboard (they become the first admin of a database they create).
    pub login: String,
    /// The config file the database's path will be written to, for the words on screen.
    pub config_file: String,
    /// Started with --read-only: nothing is made.
    pub read_only: bool,
    /// The file to create exists already: Enter with the path unchanged uses it instead.
    pub offer_existing: Option<String>,
    /// The theme to draw in (as [`super::App::theme`]).
    pub theme: super::theme::ThemeName,
}

impl FirstRun {
    pub fn new(suggestion: &str, login: &str, config_file: &str) -> FirstRun {
        FirstRun {
            screen: Screen::Choose,
            selected: 0,
            choice: Choice::Demo,
            path: Input::new(suggestion.to_string()),
            name: Input::default(),
            focus: Field::Path,
            message: None,
            suggestion: suggestion.to_string(),
            login: login.to_string(),
            config_file: config_file.to_string(),
            read_only: false,
            offer_existing: None,
            theme: super::theme::ThemeName::from_env(),
        }
    }

    /// The boxes the second screen asks for.
    pub fn fields(&self) -> &'static [Field] {
        match self.choice {
            Choice::Create => &[Field::Path, Field::Name],
            _ => &[Field::Path],
        }
    }

    /// The question for one box.
    pub fn prompt(&self, field: Field) -> String {
        match (field, self.choice) {
            (Field::Path, Choice::Create) => "Where should the database be? The path of a new file in a folder on the shared drive (the folder must exist already; a folder's path gets safedesk.sqlite added), or the postgres:// address of an empty database IT made on a server.".into(),
            (Field::Path, _) => "Where is the office's database? Its path as this PC reaches it, or its postgres:// address on a server (ask whoever set safedesk up if you do not know it).".into(),
            (Field::Name, _) => format!(
                "Your name as colleagues know it. You ({}) become the database's first admin: you can add colleagues and set the office's policy.",
                self.login
            ),
        }
    }

    /// A box's short label.
    pub fn label(field: Field) -> &'static str {
        match field {
            Field::Path => "Database file",
            Field::Name => "Your name",
        }
    }

    pub fn input(&self, field: Field) -> &Input {
        match field {
            Field::Path => &self.path,
            Field::Name => &self.name,
        }
    }

    fn input_mut(&mut self, field: Field) -> &mut Input {
        match field {
            Field::Path => &mut self.path,
            Field::Name => &mut self.name,
        }
    }

    fn max(field: Field) -> usize {
        match field {
            Field::Path => MAX_PATH,
            Field::Name => MAX_NAME,
        }
    }

    /// Take one of the three ways on. The demo is a step at once; the others open the second
    /// screen.
    pub fn choose(&mut self, choice: Choice) -> Option<Step> {
        self.selected = Choice::ALL.iter().position(|c| *c == choice).unwrap_or(0);
        self.choice = choice;
        self.message = None;
        self.offer_existing = None;
        if choice == Choice::Demo {
            return Some(Step::Demo);
        }
        if choice == Choice::Create && self.read_only {
            self.message = Some(Notice::Error(
                "safedesk was started with --read-only, so it makes nothing: choose e to use an existing database, or start it again without --read-only.".into(),
            ));
            return None;
        }
        self.screen = Screen::Path;
        self.focus = Field::Path;
        None
    }

    /// Back to the first screen.
    pub fn back(&mut self) {
        self.screen = Screen::Choose;
        self.message = None;
        self.offer_existing = None;
    }

    /// Put a typed or pasted text in a box. Line breaks and tabs become spaces; control and
    /// hidden characters are left out, and a text longer than the box keeps is cut: both are
    /// said in [`FirstRun::message`].
    pub fn set(&mut self, field: Field, text: &str) {
        self.message = None;
        let value = self.cleaned(field, text);
        *self.input_mut(field) = Input::new(value);
        self.edited(field);
    }

    /// The text as a box keeps it, with a message when something was left out or cut.
    fn cleaned(&mut self, field: Field, text: &str) -> String {
        let clean = crate::text::sanitise_for_display(text, false);
        let dropped = text.chars().any(|c| {
            !c.is_whitespace()
                && crate::text::sanitise_for_display(&c.to_string(), false).is_empty()
        });
        let max = Self::max(field);
        let label = Self::label(field);
        if clean.chars().count() > max {
            self.message = Some(Notice::Error(format!(
                "{label}: the text was cut to {max} characters, the most this box keeps. Check it before going on."
            )));
            clean.chars().take(max).collect()
        } else {
            if dropped {
                self.message = Some(Notice::Error(format!(
                    "{label}: the text held control or hidden characters; they were left out."
                )));
            }
            clean
        }
    }

    fn edited(&mut self, field: Field) {
        if field == Field::Path
            && self
                .offer_existing
                .as_deref()
                .is_some_and(|p| p != self.path.value())
        {
            self.offer_existing = None;
        }
    }

    /// A paste goes to the box with the keyboard.
    pub fn on_paste(&mut self, text: &str) {
        if self.screen != Screen::Path {
            self.message = Some(Notice::Info(
                "The paste was not used: press c or e first, then paste the path.".into(),
            ));
            return;
        }
        let field = self.focus;
        let mut value = self.input(field).value().to_string();
        let at = self.input(field).cursor();
        let byte = value.char_indices().nth(at).map_or(value.len(), |(i, _)| i);
        value.insert_str(byte, text);
        self.set(field, &value);
    }

    /// Check what was typed (plainly: is anything missing or unusable) and say what to do.
    pub fn submit(&mut self) -> Option<Step> {
        let path = self.path.value().trim().to_string();
        if let Some(existing) = self.offer_existing.take() {
            if existing == self.path.value() {
                self.choice = Choice::Existing;
                self.message = None;
                return Some(Step::Existing { path });
            }
        }
        if path.is_empty() {
            self.focus = Field::Path;
            self.message = Some(Notice::Error(format!(
                "{}: type the path of the database file, for example {}.",
                Self::label(Field::Path),
                self.suggestion
            )));
            return None;
        }
        match self.choice {
            Choice::Create => {
                let name = self.name.value().trim().to_string();
                if name.is_empty() {
                    self.focus = Field::Name;
                    self.message = Some(Notice::Error(format!(
                        "{}: type your name as colleagues know it (it is shown on what you record).",
                        Self::label(Field::Name)
                    )));
                    return None;
                }
                self.message = Some(Notice::Info("Creating the database...".into()));
                Some(Step::Create { path, name })
            }
            Choice::Existing => {
                self.message = Some(Notice::Info("Opening the database...".into()));
                Some(Step::Existing { path })
            }
            Choice::Demo => Some(Step::Demo),
        }
    }

    /// The step was refused: say why. `exists`: the file to create is there already, so Enter
    /// (with the path unchanged) offers to use it instead.
    pub fn refused(&mut self, sentence: String, exists: bool) {
        self.focus = Field::Path;
        if exists && self.choice == Choice::Create {
            self.offer_existing = Some(self.path.value().to_string());
            self.message = Some(Notice::Error(format!(
                "{sentence} Press Enter to use it as the office's database (e), or change the path to make a new one."
            )));
        } else {
            self.message = Some(Notice::Error(sentence));
        }
    }

    pub fn on_terminal_event(&mut self, ev: &TermEvent) -> Option<Step> {
        match ev {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => self.on_key(*k),
            TermEvent::Paste(text) => {
                self.on_paste(text);
                None
            }
            _ => None,
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Option<Step> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q')) {
            return Some(Step::Quit);
        }
        match self.screen {
            Screen::Choose => self.choose_key(key),
            Screen::Path => self.path_key(key),
        }
    }

    fn choose_key(&mut self, key: KeyEvent) -> Option<Step> {
        let n = Choice::ALL.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('Q') => Some(Step::Quit),
            KeyCode::Up | KeyCode::BackTab => {
                self.selected = (self.selected + n - 1) % n;
                None
            }
            KeyCode::Down | KeyCode::Tab => {
                self.selected = (self.selected + 1) % n;
                None
            }
            KeyCode::Enter => self.choose(Choice::ALL[self.selected.min(n - 1)]),
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                match Choice::from_answer(&c.to_string()) {
                    Some(choice) => self.choose(choice),
                    None => {
                        self.message = Some(Notice::Info(
                        "Press d, c or e (or 1, 2, 3), or move with the arrows and press Enter. q or Esc quits."
                            .into(),
                    ));
                        None
                    }
                }
            }
            _ => None,
        }
    }

    fn path_key(&mut self, key: KeyEvent) -> Option<Step> {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        match key.code {
            KeyCode::Esc => {
                self.back();
                None
            }
            KeyCode::Enter => self.submit(),
            KeyCode::Tab | KeyCode::Down => {
                self.focus = fields[(at + 1) % fields.len()];
                None
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = fields[(at + fields.len() - 1) % fields.len()];
                None
            }
            KeyCode::Char(c) if c.is_control() => None,
            _ => {
                let field = self.focus;
                let max = Self::max(field);
                let full = self.input(field).value().chars().count() >= max;
                if full && matches!(key.code, KeyCode::Char(_)) {
                    self.message = Some(Notice::Error(format!(
                        "{}: this box keeps at most {max} characters.",
                        Self::label(field)
                    )));
                    return None;
                }
                let changed = self
                    .input_mut(field)
                    .handle_event(&TermEvent::Key(key))
                    .is_some_and(|c| c.value);
                if changed {
                    self.message = None;
                    self.edited(field);
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(f: &mut FirstRun, text: &str) {
        for c in text.chars() {
            f.on_key(key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn letters_numbers_and_arrows_choose_and_q_quits() {
        let mut f = FirstRun::new("S:\\safedesk\\safedesk.sqlite", "amira", "c.toml");
        assert_eq!(f.on_key(key(KeyCode::Char('d'))), Some(Step::Demo));
        f.on_key(key(KeyCode::Down));
        f.on_key(key(KeyCode::Down));
        assert_eq!(f.on_key(key(KeyCode::Enter)), None);
        assert_eq!((f.screen, f.choice), (Screen::Path, Choice::Existing));
        f.on_key(key(KeyCode::Esc));
        assert_eq!(f.screen, Screen::Choose);
        assert_eq!(f.on_key(key(KeyCode::Char('2'))), None);
        assert_eq!(f.choice, Choice::Create);
        f.on_key(key(KeyCode::Esc));
        assert_eq!(f.on_key(key(KeyCode::Char('q'))), Some(Step::Quit));
        assert_eq!(f.on_key(key(KeyCode::Esc)), Some(Step::Quit));
        assert_eq!(Choice::from_answer(" Create "), Some(Choice::Create));
        assert_eq!(Choice::from_answer("x"), None);
    }

    #[test]
    fn create_asks_for_the_path_and_the_name_and_says_which_is_missing() {
        let mut f = FirstRun::new("S:\\safedesk\\safedesk.sqlite", "amira", "c.toml");
        f.on_key(key(KeyCode::Char('c')));
        f.set(Field::Path, "   ");
        assert_eq!(f.submit(), None);
        let said = format!("{:?}", f.message);
        assert!(said.contains("Database file: type the path"), "{said}");
        f.on_key(key(KeyCode::Char('u')));
        assert_eq!(f.path.value(), "   u");
        f.set(Field::Path, "/tmp/office.sqlite");
        assert_eq!(f.on_key(key(KeyCode::Enter)), None);
        assert_eq!(f.focus, Field::Name);
        assert!(format!("{:?}", f.message).contains("Your name"));
        typed(&mut f, "Amira Hassan");
        assert_eq!(
            f.on_key(key(KeyCode::Enter)),
            Some(Step::Create {
                path: "/tmp/office.sqlite".into(),
                name: "Amira Hassan".into()
            })
        );
    }

    #[test]
    fn a_huge_paste_is_cut_and_control_characters_are_left_out_with_a_sentence() {
        let mut f = FirstRun::new("x", "amira", "c.toml");
        f.on_key(key(KeyCode::Char('e')));
        f.set(Field::Path, "");
        f.on_paste(&"a".repeat(100_000));
        assert_eq!(f.path.value().chars().count(), MAX_PATH);
        assert!(format!("{:?}", f.message).contains("cut to 1024 characters"));
        f.on_key(key(KeyCode::Char('b')));
        assert_eq!(f.path.value().chars().count(), MAX_PATH);
        f.set(Field::Path, "S:\\office\u{7}\u{1b}[31m.sqlite");
        assert_eq!(f.path.value(), "S:\\office[31m.sqlite");
        assert!(format!("{:?}", f.message).contains("control or hidden characters"));
    }

    #[test]
    fn creating_over_an_existing_file_offers_to_use_it_until_the_path_changes() {
        let mut f = FirstRun::new("x", "amira", "c.toml");
        f.on_key(key(KeyCode::Char('c')));
        f.set(Field::Path, "/tmp/there.sqlite");
        f.set(Field::Name, "Amira");
        assert!(matches!(f.submit(), Some(Step::Create { .. })));
        f.refused("/tmp/there.sqlite exists already.".into(), true);
        assert!(format!("{:?}", f.message).contains("Press Enter to use it"));
        assert_eq!(
            f.on_key(key(KeyCode::Enter)),
            Some(Step::Existing {
                path: "/tmp/there.sqlite".into()
            })
        );
        // Changing the path drops the offer.
        let mut f = FirstRun::new("x", "amira", "c.toml");
        f.on_key(key(KeyCode::Char('c')));
        f.set(Field::Path, "/tmp/there.sqlite");
        f.set(Field::Name, "Amira");
        f.submit();
        f.refused("exists".into(), true);
        f.on_key(key(KeyCode::Backspace));
        assert!(matches!(f.submit(), Some(Step::Create { .. })));
    }

    #[test]
    fn read_only_refuses_to_create() {
        let mut f = FirstRun::new("x", "amira", "c.toml");
        f.read_only = true;
        assert_eq!(f.on_key(key(KeyCode::Char('c'))), None);
        assert_eq!(f.screen, Screen::Choose);
        assert!(format!("{:?}", f.message).contains("--read-only"));
    }
}
