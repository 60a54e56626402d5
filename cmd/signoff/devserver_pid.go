package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// procIdentity is what tells a process apart from a later one given the same pid.
type procIdentity struct {
	Start string   // start time, as the system counts it
	Group int      // process group id
	Args  []string // command line
}

// The pid file is "<pid> <start time>\n": the start time tells the server that wrote it from an
// unrelated process that reuses its pid after a reboot or a long time.
func writeDevServerPid(path string, pid int) error {
	id, alive, err := processIdentity(pid)
	if errors.Is(err, errors.ErrUnsupported) {
		return nil // nothing to recognise a leftover by here; see devserver_other.go
	}
	if err != nil {
		return fmt.Errorf("temporal dev server pid file: %w", err)
	}
	if !alive {
		return fmt.Errorf("temporal dev server (pid %d) exited at start; see temporal.log", pid)
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+" "+id.Start+"\n"), 0o644); err != nil {
		return fmt.Errorf("temporal dev server pid file: %w", err)
	}
	return nil
}

// endLeftoverDevServer ends the dev server that an earlier `signoff dev` of this data directory
// left running, and says on out what it did. It is found by the pid file, or, for one started
// before there were pid files, as the process listening on port. It ends a process only when the
// process is serving this data directory's database (dbFile among its arguments) and, found by the
// pid file, is the very process that wrote it (same start time): never one that is not ours.
func endLeftoverDevServer(pidFile, dbFile string, port int, out io.Writer) error {
	raw, err := os.ReadFile(pidFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("temporal dev server pid file: %w", err)
	default:
		if pid, start, ok := parseDevServerPid(string(raw)); ok {
			id, alive, err := processIdentity(pid)
			if err != nil {
				return fmt.Errorf("check the dev server an earlier run left (pid %d): %w", pid, err)
			}
			// Not alive, or not the same process: it stopped, and the pid may be someone else's now.
			if alive && id.Start == start && servesDatabase(id.Args, dbFile) {
				if err := endDevServer(pid, id, dbFile, "pid file", out); err != nil {
					return err
				}
			}
		} else {
			fmt.Fprintf(out, "Ignoring %s: not a pid file this program wrote.\n", pidFile)
		}
		if err := os.Remove(pidFile); err != nil {
			return fmt.Errorf("temporal dev server pid file: %w", err)
		}
	}
	if port == 0 {
		return nil
	}
	pid, ok, err := listenerPid(port)
	if errors.Is(err, errors.ErrUnsupported) || !ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find who listens on port %d: %w", port, err)
	}
	id, alive, err := processIdentity(pid)
	if err != nil || !alive || !servesDatabase(id.Args, dbFile) {
		return nil // someone else's: startDevServer says the port is taken
	}
	return endDevServer(pid, id, dbFile, fmt.Sprintf("port %d", port), out)
}

// endDevServer interrupts a leftover server, and kills it if it does not stop in time.
func endDevServer(pid int, id procIdentity, dbFile, foundBy string, out io.Writer) error {
	fmt.Fprintf(out, "A Temporal dev server an earlier `signoff dev` left running on %s (pid %d, found by its %s) is being stopped.\n",
		dbFile, pid, foundBy)
	signal := signalProcess
	if id.Group == pid { // it leads its own group, as ownedChildAttr asks: end what it started too
		signal = signalGroup
	}
	if err := waitGone(pid, id.Start, devServerStopTimeout, func() error { return signal(pid, interruptSignal) }); err != nil {
		fmt.Fprintf(out, "It did not stop within %s; killing it.\n", devServerStopTimeout)
		if err := waitGone(pid, id.Start, 5*time.Second, func() error { return signal(pid, killSignal) }); err != nil {
			return fmt.Errorf("end the dev server an earlier run left (pid %d): %w", pid, err)
		}
	}
	fmt.Fprintf(out, "Stopped the leftover Temporal dev server (pid %d).\n", pid)
	return nil
}

func parseDevServerPid(raw string) (pid int, start string, ok bool) {
	fields := strings.Fields(raw)
	if len(fields) != 2 {
		return 0, "", false
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 1 {
		return 0, "", false
	}
	return pid, fields[1], true
}

// servesDatabase reports whether a command line is a Temporal dev server on dbFile.
func servesDatabase(args []string, dbFile string) bool {
	i := slices.Index(args, "--db-filename")
	return i >= 0 && i+1 < len(args) && args[i+1] == dbFile && slices.Contains(args, "start-dev")
}

// waitGone sends a signal and waits, for at most timeout, until the process that started at
// start is no longer alive.
func waitGone(pid int, start string, timeout time.Duration, send func() error) error {
	if err := send(); err != nil {
		if errors.Is(err, os.ErrProcessDone) {
			return nil
		}
		return err
	}
	deadline := time.After(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		id, alive, err := processIdentity(pid)
		if err != nil {
			return err
		}
		if !alive || id.Start != start {
			return nil
		}
		select {
		case <-deadline:
			return fmt.Errorf("still running after %s", timeout)
		case <-tick.C:
		}
	}
}
