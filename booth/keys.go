package booth

import (
	"charm.land/bubbles/v2/key"

	"vote.example.org/booth/models/i18n"
)

// Key bindings, shared by every session (they never change).
var (
	kUp         = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	kDown       = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	kOpen       = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	kBack       = key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "back"))
	kQuit       = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "leave the booth"))
	kLeaveBooth = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "leave the booth"))
	kHelp       = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
	kVote       = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "vote"))
	kDesc       = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "read the description"))
	kResults    = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "results"))
	kPgUp       = key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up"))
	kPgDown     = key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn/space", "page down"))

	kToggle  = key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "add/remove"))
	kRemove  = key.NewBinding(key.WithKeys("x", "delete", "backspace"), key.WithHelp("x", "remove"))
	kMoveUp  = key.NewBinding(key.WithKeys("K", "shift+k", "shift+up"), key.WithHelp("K/J", "move up/down"))
	kMoveDn  = key.NewBinding(key.WithKeys("J", "shift+j", "shift+down"), key.WithHelp("J", "move down"))
	kPlace   = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "place at rank"))
	kEqual   = key.NewBinding(key.WithKeys("="), key.WithHelp("=", "share the rank above"))
	kFilter  = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	kInfo    = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "statement"))
	kTab     = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "other pane"))
	kReview  = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "review"))
	kPrev    = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "round"))
	kNext    = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "next round"))
	kTable   = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "table of rounds"))
	kPaths   = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "strongest paths"))
	kPairs   = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "pairwise counts"))
	kConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("type cast, enter", "cast"))
	kDone    = key.NewBinding(key.WithKeys("enter", "esc", "q"), key.WithHelp("enter", "back to your elections"))
	kEsc     = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	kGo      = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
	kCopy    = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy again (OSC 52)"))
)

// keyMap is a screen's bindings for the help line (short) and the `?`
// screen (full).
type keyMap struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyMap) ShortHelp() []key.Binding  { return k.short }
func (k keyMap) FullHelp() [][]key.Binding { return k.full }

// translateKeys is keys with their help in p's language. The bindings
// are shared and written in English; a session in another language gets
// copies.
func translateKeys(p i18n.Printer, keys keyMap) keyMap {
	if p.Lang() == "en" {
		return keys
	}
	tr := func(bs []key.Binding) []key.Binding {
		out := make([]key.Binding, len(bs))
		for i, b := range bs {
			h := b.Help()
			b.SetHelp(p.T(h.Key), p.T(h.Desc))
			out[i] = b
		}
		return out
	}
	out := keyMap{short: tr(keys.short)}
	for _, col := range keys.full {
		out.full = append(out.full, tr(col))
	}
	return out
}

var (
	homeKeys = keyMap{
		short: []key.Binding{kUp, kDown, kOpen, kHelp, kQuit},
		full:  [][]key.Binding{{kUp, kDown, kOpen}, {kHelp, kLeaveBooth, kQuit}},
	}
	// electionKeys are an election's keys when nothing can be done in it
	// but reading; voteKeys when the member can vote or replace a ballot,
	// countedKeys when the results can be seen.
	electionKeys = keyMap{
		short: []key.Binding{kUp, kDown, kOpen, kDesc, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown, kOpen}, {kDesc}, {kHelp, kBack, kQuit}},
	}
	voteKeys = keyMap{
		short: []key.Binding{kUp, kDown, kOpen, kVote, kDesc, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown, kOpen}, {kVote, kDesc}, {kHelp, kBack, kQuit}},
	}
	countedKeys = keyMap{
		short: []key.Binding{kUp, kDown, kOpen, kResults, kDesc, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown, kOpen}, {kResults, kDesc}, {kHelp, kBack, kQuit}},
	}
	readKeys = keyMap{
		short: []key.Binding{kUp, kDown, kPgDown, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown}, {kPgUp, kPgDown}, {kHelp, kBack, kQuit}},
	}
	rankKeys = keyMap{
		short: []key.Binding{kToggle, kRemove, kMoveUp, kPlace, kFilter, kInfo, kTab, kReview, kHelp, kBack},
		full: [][]key.Binding{
			{kUp, kDown, kTab, kFilter, kInfo},
			{kToggle, kRemove, kMoveUp, kMoveDn, kPlace},
			{kReview, kHelp, kBack, kQuit},
		},
	}
	// schulzeRankKeys add "=": only Schulze ballots may share a rank.
	schulzeRankKeys = keyMap{
		short: rankKeys.short,
		full: [][]key.Binding{
			{kUp, kDown, kTab, kFilter, kInfo},
			{kToggle, kRemove, kMoveUp, kMoveDn, kPlace, kEqual},
			{kReview, kHelp, kBack, kQuit},
		},
	}
	pickKeys = keyMap{ // approval and yes/no
		short: []key.Binding{kUp, kDown, kToggle, kInfo, kReview, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown, kToggle}, {kInfo, kReview}, {kHelp, kBack, kQuit}},
	}
	reviewKeys = keyMap{
		short: []key.Binding{kConfirm, kHelp, kEsc},
		full:  [][]key.Binding{{kConfirm}, {kHelp, kEsc, kQuit}},
	}
	receiptKeys = keyMap{
		short: []key.Binding{kDone, kCopy, kHelp},
		full:  [][]key.Binding{{kDone, kCopy}, {kHelp, kQuit}},
	}
	// resultKeys step through a count's rounds; oneRoundKeys have none
	// to step through; the Schulze keys switch between its two tables.
	resultKeys = keyMap{
		short: []key.Binding{kPrev, kTable, kUp, kHelp, kBack},
		full:  [][]key.Binding{{kPrev, kNext, kTable}, {kUp, kDown}, {kHelp, kBack, kQuit}},
	}
	oneRoundKeys = keyMap{
		short: []key.Binding{kUp, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown}, {kHelp, kBack, kQuit}},
	}
	pathsKeys = keyMap{
		short: []key.Binding{kPaths, kUp, kHelp, kBack},
		full:  [][]key.Binding{{kPaths}, {kUp, kDown}, {kHelp, kBack, kQuit}},
	}
	pairsKeys = keyMap{
		short: []key.Binding{kPairs, kUp, kHelp, kBack},
		full:  [][]key.Binding{{kPairs}, {kUp, kDown}, {kHelp, kBack, kQuit}},
	}
	inputKeys = keyMap{
		short: []key.Binding{kGo, kHelp, kEsc},
		full:  [][]key.Binding{{kGo, kEsc}, {kHelp, kQuit}},
	}
)
