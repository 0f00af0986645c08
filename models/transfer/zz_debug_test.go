package transfer

import (
	"os"
	"testing"
)

func TestZZDebug(t *testing.T) {
	f, _ := os.Create("/tmp/synth.xlsx")
	defer f.Close()
	Export(f, XLSX, syntheticItems(4200))
}
