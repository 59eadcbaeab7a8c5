// Command caselink is the software of a national operation against
// group-based child sexual exploitation. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/caselink/caselink/internal/cli"
	"github.com/caselink/caselink/internal/pole"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.New(os.Stdout, os.Stderr, os.Getenv).Run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "caselink:", err)
		os.Exit(pole.ExitCode(err))
	}
}
