//! The window's shortcuts: the keys pressed in a frame, each turned into the
//! [`ExplorerRequest`] its button makes (routed by the same `AppState` method, so the two
//! cannot drift), besides the few with no button (Ctrl+F, the arrows).

use egui::{Key, Modifiers};

use crate::app::PailApp;
use crate::app::explorer::{ExplorerRequest, Target};
use crate::app::shared::{ActivePane, FileOperation};

/// A shortcut, in the order the frame handles them.
enum Shortcut {
    Request(ExplorerRequest),
    /// Ctrl+F: the filter box takes the focus.
    FocusFilter,
    /// The arrows: the next or previous row of the active pane.
    Cursor(isize),
}

/// Takes this frame's shortcuts from `ctx`. Keys that edit text are left alone while a text
/// box has the focus.
fn shortcuts(ctx: &egui::Context, two_panes: bool) -> Vec<Shortcut> {
    use ExplorerRequest as R;
    use Shortcut::Request;
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        let mut key = |modifiers, key| input.consume_key(modifiers, key);
        // With two panes, F5 copies (as in two-pane file managers) and Ctrl+R refreshes.
        let (refresh, switch, copy, move_across) = if two_panes {
            let copy = key(Modifiers::NONE, Key::F5);
            let move_across = key(Modifiers::NONE, Key::F6);
            let refresh = key(Modifiers::COMMAND, Key::R);
            let switch = !typing && key(Modifiers::NONE, Key::Tab);
            (refresh, switch, copy, move_across)
        } else {
            let refresh = key(Modifiers::NONE, Key::F5) || key(Modifiers::COMMAND, Key::R);
            (refresh, false, false, false)
        };
        let focus = key(Modifiers::COMMAND, Key::F);
        let web_url = key(Modifiers::COMMAND, Key::L);
        let back = key(Modifiers::ALT, Key::ArrowLeft);
        let forward = key(Modifiers::ALT, Key::ArrowRight);
        let up = !typing && key(Modifiers::NONE, Key::Backspace);
        let select_all = !typing && key(Modifiers::COMMAND, Key::A);
        let enter = !typing && key(Modifiers::NONE, Key::Enter);
        let down = !typing && key(Modifiers::NONE, Key::ArrowDown);
        let up_arrow = !typing && key(Modifiers::NONE, Key::ArrowUp);
        let delete =
            !typing && (key(Modifiers::NONE, Key::Delete) || key(Modifiers::NONE, Key::F8));
        let new_folder = !typing && key(Modifiers::NONE, Key::F7);
        let rename = !typing && key(Modifiers::NONE, Key::F2);
        let operation = match (delete, new_folder, rename) {
            (true, _, _) => Some(FileOperation::Delete),
            (_, true, _) => Some(FileOperation::NewFolder),
            (_, _, true) => Some(FileOperation::Rename),
            _ => None,
        };
        // Back and Forward, like Up, act on the active pane.
        [
            refresh.then_some(Request(R::Refresh { both_panes: true })),
            switch.then_some(Request(R::SwitchPane)),
            copy.then_some(Request(R::CopyAcross)),
            move_across.then_some(Request(R::MoveAcross)),
            back.then_some(Request(R::Back(Target::ActivePane))),
            (forward && !back).then_some(Request(R::Forward(Target::ActivePane))),
            up.then_some(Request(R::Up(Target::ActivePane))),
            select_all.then_some(Request(R::SelectAll)),
            focus.then_some(Shortcut::FocusFilter),
            enter.then_some(Request(R::OpenSelected)),
            (down || up_arrow).then_some(Shortcut::Cursor(if down { 1 } else { -1 })),
            operation.map(|operation| Request(R::FileOperation(operation))),
            web_url.then_some(Request(R::WebUrl)),
        ]
        .into_iter()
        .flatten()
        .collect()
    })
}

impl PailApp {
    /// Shortcuts that work anywhere in the window.
    pub(super) fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.state.modal_open() {
            // The dialogs are modal: the explorer's keys wait until they close.
            return;
        }
        for shortcut in shortcuts(ctx, self.state.second_pane.is_some()) {
            match shortcut {
                Shortcut::Request(request) => self.route(request),
                Shortcut::FocusFilter => self.flags.focus_filter = true,
                Shortcut::Cursor(step) => self.move_cursor(step),
            }
        }
    }

    /// Arrow keys: select the next or previous row of the active pane (as Enter, Ctrl+A and
    /// F2 then act on it).
    fn move_cursor(&mut self, step: isize) {
        let state = &mut self.state;
        let listing = match &mut state.second_pane {
            Some(pane) if state.active_pane == ActivePane::Second => pane.listing_mut(),
            _ => state.explorer.listing_mut(),
        };
        let len = listing.view_len();
        if len == 0 {
            return;
        }
        let current = (0..len).find(|&p| listing.is_selected_at(p));
        let next = match current {
            Some(p) => p.saturating_add_signed(step).min(len - 1),
            None => 0,
        };
        listing.click(next, false, false);
        self.flags.scroll_to_row = Some(next);
    }
}
