package tally

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestScottishGlasgow2007(t *testing.T) {
	files, err := filepath.Glob("../testdata/elections/glasgow2007/*.blt")
	if err != nil || len(files) != 21 {
		t.Fatalf("want the 21 Glasgow 2007 wards, found %d (%v)", len(files), err)
	}
	for _, blt := range files {
		ward := strings.TrimSuffix(filepath.Base(blt), ".blt")
		t.Run(ward, func(t *testing.T) {
			e := readBLTFile(t, blt)
			res, err := Count(e, Options{Method: Scottish, Ties: TieBreak{FileOrder: true}})
			if err != nil {
				t.Fatal(err)
			}
			rep := readDroopReport(t, strings.TrimSuffix(blt, ".blt")+".droop-scotland-report.txt")
			compareWithDroop(t, res, rep, true)
		})
	}
}

func TestScottishDroopReference(t *testing.T) {
	for _, name := range []string{"weak-defeat", "weak-surplus", "SC", "SC-Vm-12", "M135", "42", "42t", "513"} {
		t.Run(name, func(t *testing.T) {
			e := readBLTFile(t, "../testdata/elections/droop-ref/"+name+".blt")
			res, err := Count(e, Options{Method: Scottish, Ties: TieBreak{FileOrder: true}})
			if err != nil {
				t.Fatal(err)
			}
			compareWithDroop(t, res, readDroopReport(t, "../testdata/elections/droop-ref/"+name+"-scotland-fixed-p5-d5.report.txt"), true)
		})
	}
}
