// Package demo holds the elections of `booth demo`: TOML definitions and
// the candidates' Markdown statements, embedded so the demo runs from the
// binary alone. They are also plain examples of definition files.
//
// The demo replaces every opens_at and closes_at with times relative to
// the moment it starts (open now, closing in 7 days; the council election
// in the past), so the files never go stale.
package demo

import "embed"

// FS holds the definitions (*.toml) and statements (statements/*.md).
//
//go:embed *.toml statements/*.md
var FS embed.FS

// Open lists the definitions of the elections the demo opens, in the order
// it creates them.
var Open = []string{"board-2026.toml", "release-cadence.toml", "bylaw-amendment.toml"}

// Nominating is the definition of the election the demo leaves in its
// nomination period: nominations open now, close in 3 days, and the
// election opens a day later.
const Nominating = "council-2027.toml"

// Past is the definition of the election the demo runs in the past:
// opened, voted in, closed and counted, so the results screen has
// something to show.
const Past = "council-2025.toml"
