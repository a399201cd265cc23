package loadtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"sync"

	gossh "golang.org/x/crypto/ssh"
)

// BareServer is the yardstick for new sessions per second: a plain
// x/crypto/ssh server that authenticates the same keys, grants a PTY and a
// shell, writes one line and holds the session open, and does nothing
// else.
type BareServer struct {
	l    net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	open []net.Conn
}

// StartBare serves on a loopback port, accepting the signers' keys.
func StartBare(signers []gossh.Signer) (*BareServer, string, error) {
	keys := make(map[string]bool, len(signers))
	for _, s := range signers {
		keys[string(s.PublicKey().Marshal())] = true
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	hostKey, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, "", err
	}
	cfg := &gossh.ServerConfig{
		PublicKeyCallback: func(_ gossh.ConnMetadata, key gossh.PublicKey) (*gossh.Permissions, error) {
			if keys[string(key.Marshal())] {
				return &gossh.Permissions{}, nil
			}
			return nil, fmt.Errorf("unknown key")
		},
	}
	cfg.AddHostKey(hostKey)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	s := &BareServer{l: l}
	s.wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.open = append(s.open, c)
			s.mu.Unlock()
			s.wg.Go(func() { serveBare(c, cfg) })
		}
	})
	return s, l.Addr().String(), nil
}

func serveBare(c net.Conn, cfg *gossh.ServerConfig) {
	_, chans, reqs, err := gossh.NewServerConn(c, cfg)
	if err != nil {
		c.Close()
		return
	}
	go gossh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(gossh.UnknownChannelType, "sessions only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			continue
		}
		go func() {
			for req := range requests {
				_ = req.Reply(req.Type == "pty-req" || req.Type == "shell", nil)
				if req.Type == "shell" {
					_, _ = ch.Write([]byte("Signed in as bare\r\n"))
				}
			}
		}()
	}
}

// Close stops the server and drops its connections.
func (s *BareServer) Close() {
	s.l.Close()
	s.mu.Lock()
	for _, c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
