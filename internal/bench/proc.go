package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// BuildSalesai builds the salesai command of this module into dir.
func BuildSalesai(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "salesai")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/salesai/social/cmd/salesai")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/salesai: %w: %s", err, out)
	}
	return bin, nil
}

// Proc is a salesai subprocess.
type Proc struct {
	cmd   *exec.Cmd
	done  chan struct{}
	err   error
	Start time.Time
}

// baseEnviron is what a subprocess inherits from ours: enough to run, and
// nothing that would point it at another database.
func baseEnviron() []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// StartProc runs `bin args…` with env (KEY=VALUE) and its output to logw.
func StartProc(bin string, args, env []string, logw io.Writer) (*Proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(baseEnviron(), env...)
	if logw == nil {
		logw = io.Discard
	}
	cmd.Stdout, cmd.Stderr = logw, logw
	p := &Proc{cmd: cmd, done: make(chan struct{}), Start: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// StartWorker runs `salesai worker` on the environment's database.
func (e *Env) StartWorker(bin string, extra map[string]string, logw io.Writer) (*Proc, error) {
	env := e.Environment()
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return StartProc(bin, []string{"worker"}, env, logw)
}

// Kill sends SIGKILL and waits for the process to end.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits up to 40 s (the program's own shutdown allows
// 30 s for running jobs), then kills.
func (p *Proc) Stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		p.Kill()
		return errors.New("did not stop within 40 s of SIGTERM")
	}
	var ee *exec.ExitError
	if p.err != nil && !errors.As(p.err, &ee) {
		return p.err
	}
	return nil
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// MaxRSS is the ended process's peak resident set size in bytes (its
// rusage ru_maxrss, the kernel's high-water mark, VmHWM).
func (p *Proc) MaxRSS() int64 {
	<-p.done
	if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10 // KiB on Linux
	}
	return 0
}
