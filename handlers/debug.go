package handlers

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
)

// DebugHandler serves net/http/pprof under /debug/pprof/ for a listener of
// its own (onewindow serve --pprof ADDR), never on the public router.
func DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// CheckLoopback refuses a listen address that is not on the loopback
// interface: profiles show code paths, timings and memory, and pprof has no
// login of its own, so it is reachable only from the machine itself.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address (use 127.0.0.1:PORT)", addr)
	}
	return nil
}
