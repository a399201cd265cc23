package tally

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
)

// A ballotBox holds ballots grouped by ranking, in the compact form the
// counts read: one entry per distinct ranking, however many voters cast it.
// A large election repeats rankings a lot, and even a file of a million
// distinct rankings costs a few bytes per preference here, where a Ballot
// costs a slice per rank.
//
// A ranking is stored as its marks, one per candidate ranked, first
// preference first: c for candidate c opening a new rank, ^c (negative) for
// candidate c ranked equal with the mark before it. Groups keep the order
// of their first appearance, so no result depends on hashing.
type ballotBox struct {
	// groups hold the groups and chunks the marks, in chunks that are
	// never copied or moved: chunk k of groups holds 64<<k of them, a
	// group's marks lie in one chunk, and each chunk of marks is larger
	// than the last (up to a limit). So the box grows without copying what
	// it holds, and a small election costs little.
	groups [][]boxGroup
	n      int // the groups
	chunks [][]int32

	// table finds a ranking's group by open addressing; its length is a
	// power of two. A slot keeps part of the hash beside the group, so a
	// search reads the marks of a group only when they are likely equal:
	// on a file of a million distinct rankings the misses in this table
	// are most of the time spent grouping.
	table []boxSlot

	touched int32 // what touch read, kept so the reads are not optimised away

	total int64 // the ballots added, while at most maxBallots
	// tooMany is the line of the ballot that took the total past
	// maxBallots (counting refuses the election there), 0 if none did.
	tooMany int
}

// boxGroup is one distinct ranking and the ballots that cast it.
type boxGroup struct {
	count int64  // the voters who cast it
	line  int    // the line of its first ballot, 0 when none
	hash  uint64 // hashMarks of its marks
	// Its marks are chunks[chunk][at:at+n].
	chunk, at, n int32
}

// boxSlot is a slot of ballotBox.table: group+1 (0 for an empty slot) and
// the high half of the group's hash.
type boxSlot struct {
	group int32
	hash  uint32
}

func newBallotBox() *ballotBox {
	return &ballotBox{table: make([]boxSlot, 64)}
}

// hashMarks hashes a ranking's marks: hashSeed, then hashStep for each
// mark (which lets a reader hash a ranking as it reads it).
func hashMarks(marks []int32) uint64 {
	h := uint64(hashSeed)
	for _, m := range marks {
		h = hashStep(h, m)
	}
	return h
}

const hashSeed = 14695981039346656037

func hashStep(h uint64, m int32) uint64 {
	h ^= uint64(uint32(m))
	h *= 1099511628211
	return h ^ h>>29
}

// add puts count ballots with the given marks into their group, opening a
// new group (first seen on line) for a ranking not seen before; it reports
// the group and whether it is new.
func (x *ballotBox) add(count int64, line int, marks []int32) (int, bool) {
	return x.addHashed(count, line, marks, hashMarks(marks))
}

// addHashed is add for marks whose hashMarks is h.
func (x *ballotBox) addHashed(count int64, line int, marks []int32, h uint64) (int, bool) {
	if x.tooMany == 0 && count > maxBallots-x.total {
		x.tooMany = line
	}
	if x.tooMany == 0 {
		x.total += count
	}
	hi := uint32(h >> 32)
	mask := len(x.table) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		slot := x.table[i]
		if slot.group == 0 {
			g := x.n
			x.table[i] = boxSlot{int32(g + 1), hi}
			if k, _ := groupAt(g); k == len(x.groups) {
				x.groups = append(x.groups, make([]boxGroup, 0, 64<<k))
			}
			last := &x.groups[len(x.groups)-1]
			*last = append(*last, x.store(marks, boxGroup{count: count, line: line, hash: h}))
			x.n++
			if 2*x.n > len(x.table) {
				x.grow()
			}
			return g, true
		}
		if g := int(slot.group) - 1; slot.hash == hi && slices.Equal(x.groupMarks(g), marks) {
			// Past maxBallots the count is refused anyway; stop summing
			// so nothing overflows.
			if x.tooMany == 0 {
				x.group(g).count += count
			}
			return g, false
		}
	}
}

// store copies a new group's marks into the last chunk, opening a larger
// one when they do not fit, and returns the group with where they lie.
func (x *ballotBox) store(marks []int32, g boxGroup) boxGroup {
	last := len(x.chunks) - 1
	if last < 0 || len(x.chunks[last])+len(marks) > cap(x.chunks[last]) {
		size := max(256, 2*len(marks))
		if last >= 0 {
			size = max(size, min(2*cap(x.chunks[last]), 1<<20))
		}
		x.chunks = append(x.chunks, make([]int32, 0, size))
		last++
	}
	chunk := x.chunks[last]
	g.chunk, g.at, g.n = int32(last), int32(len(chunk)), int32(len(marks))
	x.chunks[last] = append(chunk, marks...)
	return g
}

// touch reads the table slot where each hash's search starts, so that the
// reads a batch of searches will make wait on memory together rather than
// one after another (on a large file, nearly every search misses the
// cache).
func (x *ballotBox) touch(lines []pendingLine) {
	mask := len(x.table) - 1
	var sum int32
	for _, l := range lines {
		sum += x.table[int(l.hash)&mask].group
	}
	x.touched = sum
}

func (x *ballotBox) grow() {
	x.table = make([]boxSlot, 2*len(x.table))
	mask := len(x.table) - 1
	for g := range x.n {
		h := x.group(g).hash
		i := int(h) & mask
		for x.table[i].group != 0 {
			i = (i + 1) & mask
		}
		x.table[i] = boxSlot{int32(g + 1), uint32(h >> 32)}
	}
}

// len is the number of groups.
func (x *ballotBox) len() int { return x.n }

func (x *ballotBox) group(g int) *boxGroup {
	k, i := groupAt(g)
	return &x.groups[k][i]
}

// groupAt finds group g: chunk k, which holds groups 64·(2^k-1) onwards,
// and i within it.
func groupAt(g int) (k, i int) {
	k = bits.Len(uint(g/64+1)) - 1
	return k, g - 64*(1<<k-1)
}

func (x *ballotBox) groupMarks(g int) []int32 {
	gr := x.group(g)
	return x.chunks[gr.chunk][gr.at : gr.at+gr.n]
}

// ballots yields each group as a Ballot. The Ranks it yields are only valid
// until the next: a count that keeps them must copy them.
func (x *ballotBox) ballots() iter.Seq2[int, Ballot] {
	return func(yield func(int, Ballot) bool) {
		var flat []int
		var ranks [][]int
		for g := range x.n {
			ranks = decodeMarks(x.groupMarks(g), &flat, ranks[:0])
			gr := x.group(g)
			if !yield(g, Ballot{Count: gr.count, Ranks: ranks, Line: gr.line}) {
				return
			}
		}
	}
}

// decodeMarks turns marks into ranks held in *flat and ranks, reusing
// their storage; no marks give nil ranks, as a ballot ranking nobody has.
func decodeMarks(marks []int32, flat *[]int, ranks [][]int) [][]int {
	if len(marks) == 0 {
		return nil
	}
	if cap(*flat) < len(marks) {
		*flat = make([]int, len(marks))
	}
	f := (*flat)[:len(marks)]
	at := 0
	for i, m := range marks {
		if m >= 0 && i > 0 {
			ranks = append(ranks, f[at:i:i])
			at = i
		}
		f[i] = int(m)
		if m < 0 {
			f[i] = int(^m)
		}
	}
	return append(ranks, f[at:len(marks):len(marks)])
}

// encodeRanks appends the marks of ranks to marks.
func encodeRanks(marks []int32, ranks [][]int) []int32 {
	for _, rank := range ranks {
		for i, c := range rank {
			if i > 0 {
				c = ^c
			}
			marks = append(marks, int32(c))
		}
	}
	return marks
}

// groupTotal is the number of ballots in the box.
func (x *ballotBox) groupTotal() int64 {
	var t int64
	for g := range x.n {
		t += x.group(g).count
	}
	return t
}

// collector gathers the ballot lines a reader parses: grouped into a box
// as they are read, and, for the readers that return one Ballot per line,
// which group each line holds. It hands the lines to the box in batches,
// in order, so that their searches in the box's table overlap.
type collector struct {
	box     *ballotBox
	marks   []int32 // the ranking of the line being read
	pending []pendingLine
	held    []int32 // the pending lines' marks
	perLine bool
	lines   []lineBallot
}

// pendingLine is a line read but not yet in the box.
type pendingLine struct {
	count int64
	line  int
	at, n int // its marks are held[at:at+n]
	hash  uint64
}

// collectorBatch is how many lines the collector holds before it hands
// them to the box.
const collectorBatch = 32

type lineBallot struct {
	group int
	count int64
	line  int
}

func newCollector(perLine bool) *collector {
	return &collector{box: newBallotBox(), perLine: perLine}
}

// add takes the line's ballot, whose ranking is in c.marks.
func (c *collector) add(count int64, line int) {
	at := len(c.held)
	c.held = append(c.held, c.marks...)
	c.addHeld(count, line, at, hashMarks(c.marks))
}

// addHeld takes a line's ballot whose marks a reader has appended to
// c.held from at, with their hashMarks h: the plain lines, read straight
// into place.
func (c *collector) addHeld(count int64, line, at int, h uint64) {
	c.pending = append(c.pending, pendingLine{count, line, at, len(c.held) - at, h})
	if len(c.pending) == collectorBatch {
		c.flush()
	}
}

// flush hands the pending lines to the box.
func (c *collector) flush() {
	c.box.touch(c.pending)
	for _, l := range c.pending {
		g, _ := c.box.addHashed(l.count, l.line, c.held[l.at:l.at+l.n], l.hash)
		if c.perLine {
			c.lines = append(c.lines, lineBallot{g, l.count, l.line})
		}
	}
	c.pending, c.held = c.pending[:0], c.held[:0]
}

// addRanks takes a ballot a reader built as ranks.
func (c *collector) addRanks(b Ballot) {
	c.marks = encodeRanks(c.marks[:0], b.Ranks)
	c.add(b.Count, b.Line)
}

// finish gives e its ballots: one Ballot per line, each with storage of its
// own (carved from two shared arrays rather than allocated line by line),
// or the box. It also copies the names out of the file's text, which is
// then free to go.
func (c *collector) finish(e *Election) {
	c.flush()
	e.Title = strings.Clone(e.Title)
	for i := range e.Candidates {
		e.Candidates[i].ID = strings.Clone(e.Candidates[i].ID)
		e.Candidates[i].Name = strings.Clone(e.Candidates[i].Name)
	}
	if !c.perLine {
		e.box = c.box
		return
	}
	if len(c.lines) == 0 {
		return // no ballots: nil, as before
	}
	x := c.box
	marks, ranks := 0, 0
	for _, l := range c.lines {
		m := x.groupMarks(l.group)
		marks += len(m)
		for i, v := range m {
			if v >= 0 || i == 0 {
				ranks++
			}
		}
	}
	// Both arrays are sized exactly, so decodeMarks never reallocates them
	// and each ballot's ranks stay its own.
	flat := make([]int, marks)
	headers := make([][]int, 0, ranks)
	e.Ballots = make([]Ballot, len(c.lines))
	for i, l := range c.lines {
		b := Ballot{Count: l.count, Line: l.line}
		if m := x.groupMarks(l.group); len(m) > 0 {
			own := flat[:len(m):len(m)]
			flat = flat[len(m):]
			first := len(headers)
			headers = decodeMarks(m, &own, headers)
			b.Ranks = headers[first:len(headers):len(headers)]
		}
		e.Ballots[i] = b
	}
}
