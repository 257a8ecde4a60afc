package user

import (
	"io"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
)

// print writes the tokens to stdout: a readable block by default, or the
// token response's raw JSON in the chosen format.
func (fl *flow) print(t *shared.Token) error {
	return shared.PrintTokenView(fl.opts.IO, fl.opts.Format, t, func(w io.Writer) error {
		return shared.WriteTokenBlock(w, t, time.Now())
	})
}
