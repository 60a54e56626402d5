//go:build !linux

package main

import (
	"errors"
	"os"
	"syscall"
)

var (
	interruptSignal = os.Interrupt
	killSignal      = os.Kill
)

// ownedChildAttr asks for nothing where there is no parent-death signal: a server a crash leaves
// behind is not recognised either (processIdentity), so its port stays taken and the next start
// says so rather than guess.
func ownedChildAttr() *syscall.SysProcAttr { return nil }

// signalGroup signals the child alone: without a process group of its own, its group is ours.
func signalGroup(pid int, sig os.Signal) error { return signalProcess(pid, sig) }

func signalProcess(pid int, sig os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Signal(sig)
}

// processIdentity cannot tell a reused pid from the server here, so it never claims one.
func processIdentity(int) (procIdentity, bool, error) {
	return procIdentity{}, false, errors.ErrUnsupported
}

// listenerPid is not known here.
func listenerPid(int) (int, bool, error) { return 0, false, errors.ErrUnsupported }
