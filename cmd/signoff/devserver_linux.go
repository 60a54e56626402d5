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
