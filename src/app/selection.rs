//! Moving the highlighted row of a list with the keys every list shares.

use super::keymap::Action;

/// Move the selection of a list of `n` rows for `action` (a page is `page` rows; 0: no paging);
/// false when the action does not move it.
pub fn moved(selected: &mut usize, n: usize, action: Action, page: usize) -> bool {
    let last = n.saturating_sub(1);
    *selected = match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageUp if page > 0 => selected.saturating_sub(page),
        Action::PageDown if page > 0 => (*selected + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_moves_within_its_list_and_pages_only_when_the_list_pages() {
        let mut s = 3;
        assert!(moved(&mut s, 20, Action::Down, 10) && s == 4);
        assert!(moved(&mut s, 20, Action::PageDown, 10) && s == 14);
        assert!(
            moved(&mut s, 20, Action::PageDown, 10) && s == 19,
            "stops at the last"
        );
        assert!(moved(&mut s, 20, Action::Down, 10) && s == 19);
        assert!(moved(&mut s, 20, Action::PageUp, 10) && s == 9);
        assert!(moved(&mut s, 20, Action::Top, 10) && s == 0);
        assert!(
            moved(&mut s, 20, Action::Up, 10) && s == 0,
            "stops at the first"
        );
        assert!(moved(&mut s, 20, Action::Bottom, 10) && s == 19);
        // A list that does not page leaves PageDown to someone else.
        assert!(!moved(&mut s, 20, Action::PageDown, 0) && s == 19);
        assert!(!moved(&mut s, 20, Action::Open, 10));
        // An empty list keeps the selection at 0.
        let mut e = 0;
        assert!(moved(&mut e, 0, Action::Bottom, 10) && e == 0);
        assert!(moved(&mut e, 0, Action::Down, 10) && e == 0);
    }
}
