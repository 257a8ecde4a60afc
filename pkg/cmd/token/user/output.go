package user

import (
	"io"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
)

// print writes the tokens to stdout: a readable block by default, or the
// token response's raw JSON in the chosen format.
func (fl *flow) print(t *shared.Token) error {
	if fl.opts.Style.HydraTable {
		format := fl.opts.Format
		format.Hydra = fl.opts.Style.HydraPaths
		return shared.PrintTokenWith(fl.opts.IO, t, shared.TokenOutput{Format: format, Style: fl.opts.Style, Quiet: fl.opts.Quiet})
	}
	return shared.PrintTokenView(fl.opts.IO, fl.opts.Format, t, func(w io.Writer) error {
		return shared.WriteTokenBlock(w, t, time.Now())
	})
}
