package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

const (
	interruptSignal = syscall.SIGINT
	killSignal      = syscall.SIGKILL
)

// ownedChildAttr puts the child in a process group of its own, so that stopping it reaches
// anything it starts and a Ctrl-C meant for `signoff dev` reaches only `signoff dev`, which then
// stops the child in order; and asks the kernel to send it SIGTERM when `signoff dev` dies by
// any means, kill -9 included, so that no server is left holding the port.
func ownedChildAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// signalGroup signals the process group the child leads.
func signalGroup(pid int, sig syscall.Signal) error {
	err := syscall.Kill(-pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// signalProcess signals one process.
func signalProcess(pid int, sig syscall.Signal) error {
	err := syscall.Kill(pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// processIdentity says whether pid is a live process and, if so, when it started (in clock
// ticks since boot, which a reused pid cannot share), its process group and its arguments.
func processIdentity(pid int) (id procIdentity, alive bool, err error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if errors.Is(err, os.ErrNotExist) {
		return procIdentity{}, false, nil
	}
	if err != nil {
		return procIdentity{}, false, err
	}
	// The command name in parentheses may hold spaces; the fields after it do not.
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return procIdentity{}, false, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 20 {
		return procIdentity{}, false, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	if fields[0] == "Z" || fields[0] == "X" { // dead, waiting only to be reaped
		return procIdentity{}, false, nil
	}
	pgid, err := strconv.Atoi(fields[2])
	if err != nil {
		return procIdentity{}, false, fmt.Errorf("/proc/%d/stat: process group: %w", pid, err)
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return procIdentity{}, false, nil
		}
		return procIdentity{}, false, err
	}
	args := strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
	return procIdentity{Start: fields[19], Group: pgid, Args: args}, true, nil
}

// listenerPid finds the process listening on a TCP port of this machine, by the socket's inode
// in /proc/net/tcp{,6} and the process holding it among /proc/*/fd. ok is false when no process
// this user may inspect holds it.
func listenerPid(port int) (pid int, ok bool, err error) {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, err := os.ReadFile(table)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, false, err
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, found := strings.Cut(f[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); found && err == nil && int(p) == port && f[9] != "0" {
				inodes["socket:["+f[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0, false, nil
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false, err
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, err := os.ReadDir("/proc/" + p.Name() + "/fd")
		if err != nil {
			continue // another user's, or gone
		}
		for _, fd := range fds {
			if target, err := os.Readlink("/proc/" + p.Name() + "/fd/" + fd.Name()); err == nil && inodes[target] {
				return pid, true, nil
			}
		}
	}
	return 0, false, nil
}
