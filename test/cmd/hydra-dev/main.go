// Command hydra-dev runs a command beside a real, in-memory Ory Hydra v2.3.0
// (or, with -version, v2.1.2 or v1.11.10) on free loopback ports, then stops
// Hydra. The demo and the benchmarks use it; so can a developer who wants a
// throwaway Hydra:
//
//	go run ./test/cmd/hydra-dev -- ./test/demo.sh
//	go run ./test/cmd/hydra-dev -- bash     # a shell with HYDRA_URL set
//	go run ./test/cmd/hydra-dev -version v1.11.10 -- bash
//	go run ./test/cmd/hydra-dev bin         # build Hydra, print its path
//	go run ./test/cmd/hydra-dev -version all bin  # build every version
//
// The command gets HYDRA_URL (public API), HYDRA_ADMIN_URL (admin API) and
// HYDRA_SERVER_BIN (Hydra's binary) in its environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

func main() {
	os.Exit(run())
}

func run() int {
	config := flag.String("config", "", "extra Hydra configuration `YAML`, appended to the generated one")
	version := flag.String("version", hydratest.HydraVersion, "the Hydra `release` to run: "+strings.Join(hydratest.Versions, ", ")+"; with bin, also \"all\"")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: hydra-dev [-config YAML] [-version V] -- command [args...]\n       hydra-dev [-version V|all] bin\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	args := flag.Args()
	if len(args) == 1 && args[0] == "bin" {
		versions := []string{*version}
		if *version == "all" {
			versions = hydratest.Versions
		}
		for _, v := range versions {
			bin, err := hydratest.BinaryFor(v)
			if err != nil {
				fmt.Fprintln(os.Stderr, "hydra-dev:", err)
				return 1
			}
			fmt.Println(bin)
		}
		return 0
	}
	if !slices.Contains(hydratest.Versions, *version) {
		fmt.Fprintf(os.Stderr, "hydra-dev: unknown -version %q: want one of %s\n", *version, strings.Join(hydratest.Versions, ", "))
		return 2
	}
	if len(args) == 0 {
		flag.Usage()
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	srv, err := hydratest.Start(startCtx, hydratest.Options{Config: *config, Version: *version})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hydra-dev:", err)
		return 1
	}
	defer srv.Stop()
	bin, _ := hydratest.BinaryFor(*version)
	fmt.Fprintf(os.Stderr, "hydra-dev: Ory Hydra %s in memory: public API %s, admin API %s\n", *version, srv.PublicURL, srv.AdminURL)

	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(os.Environ(),
		"HYDRA_URL="+srv.PublicURL,
		"HYDRA_ADMIN_URL="+srv.AdminURL,
		"HYDRA_SERVER_BIN="+bin,
		"HYDRA_LOGIN_APP_URL="+srv.App.URL,
	)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if exitErr.ExitCode() < 0 {
			return 1
		}
		return exitErr.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "hydra-dev:", err)
		return 1
	}
}
