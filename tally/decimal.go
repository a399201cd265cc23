package tally

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Decimal is an exact fixed-point number: Units / 10^Places. Each counting
// rule fixes its own number of places (9 for Meek, 5 for Scottish STV, 0 for
// methods that count whole ballots), so a stage's figures print exactly as
// the rule computed them.
type Decimal struct {
	Units  int64
	Places int
}

// Whole returns n as a Decimal with no decimal places.
func Whole(n int64) Decimal { return Decimal{Units: n} }

// String prints every place, e.g. "321.000000001" or "-0.50000".
func (d Decimal) String() string {
	u := d.Units
	neg := u < 0
	if neg {
		u = -u
	}
	s := strconv.FormatInt(u, 10)
	if d.Places > 0 {
		if len(s) <= d.Places {
			s = strings.Repeat("0", d.Places-len(s)+1) + s
		}
		s = s[:len(s)-d.Places] + "." + s[len(s)-d.Places:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalText writes the decimal as a string, so JSON keeps every digit.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a decimal as String writes it, keeping its places,
// so a stored result reads back exactly.
func (d *Decimal) UnmarshalText(text []byte) error {
	s := string(text)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !isDigits(whole) || (frac != "" && !isDigits(frac)) || strings.HasSuffix(s, ".") {
		return fmt.Errorf("%q is not a decimal number", text)
	}
	u, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is out of range", text)
	}
	if neg {
		u = -u
	}
	*d = Decimal{Units: u, Places: len(frac)}
	return nil
}

// Cmp compares two decimals of the same scale.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.Units < e.Units:
		return -1
	case d.Units > e.Units:
		return 1
	}
	return 0
}

// pow10 returns 10^n for the small n the rules use.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// mulDiv returns a*b/c for non-negative a, b and positive c with a 128-bit
// intermediate, rounded down or up as the rule prescribes. The quotient must
// fit in an int64; every count's totals are bounded by the ballots times
// 10^places, which does.
func mulDiv(a, b, c int64, roundUp bool) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c))
	if roundUp && r != 0 {
		q++
	}
	return int64(q)
}

func itoa(n int) string { return strconv.Itoa(n) }
