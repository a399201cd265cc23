// Package browsertest opens pages in a headless Chromium for tests and
// records every request a page makes, through the DevTools protocol. It
// is imported only by _test.go files, so that neither it nor the testing
// package ships in the booth binary.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// RequireEnv names the environment variable that, set to 1, turns a
// missing Chromium from a skip into a failure, so that a CI run cannot
// pass without the page tests. .ci/run sets it.
const RequireEnv = "BOOTH_REQUIRE_CHROMIUM"

// Browser is one headless Chromium tab.
type Browser struct {
	// Ctx runs chromedp actions in the tab.
	Ctx      context.Context
	mu       sync.Mutex
	requests []string
}

// Open starts Chromium for one test, closed when the test ends. Without
// Chromium the test is skipped, saying how to install it (or fails, when
// RequireEnv is 1).
func Open(t testing.TB) *Browser {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		why := "the results page tests need Chromium: apt-get install chromium (.ci/run does)"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s=1, but Chromium is not installed: %s", RequireEnv, why)
		}
		t.Skip(why)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path))
	if os.Geteuid() == 0 {
		// Chromium refuses to sandbox itself as root, as CI machines run.
		opts = append(opts, chromedp.NoSandbox)
	}
	b := &Browser{}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The listener is there before the tab's first command, which enables
	// the Network domain: it sees every request from the first.
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}))
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b.Ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return b
}

// Requests are the URLs of every request the tab made so far, the pages
// it was sent to included.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}
