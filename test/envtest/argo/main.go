// argo-harness: threescale-migrate's test harness around Argo CD's engines.
//
//	argo-harness lua-health <script.lua>   reads one object (JSON) on stdin, runs the health script in
//	                                       gopher-lua as Argo CD does, prints {"status","message"} (JSON)
//	argo-harness health                    reads one object (JSON) on stdin, prints gitops-engine's own
//	                                       built-in health of it (pkg/health), or {"status":""} if it has none
//	argo-harness sync --kubeconfig K --dir D --app A --namespace N --revision R [--lua-health group_Kind=file]...
//	                                       one automated sync of a folder through gitops-engine (see sync.go)
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: argo-harness lua-health <script.lua> | health | sync ...")
	}
	var err error
	switch os.Args[1] {
	case "lua-health":
		if len(os.Args) != 3 {
			fail("usage: argo-harness lua-health <script.lua>")
		}
		err = luaHealthCommand(os.Args[2], os.Stdin, os.Stdout)
	case "health":
		err = builtinHealthCommand(os.Stdin, os.Stdout)
	case "sync":
		err = syncCommand(os.Args[2:], os.Stdout)
	default:
		fail("unknown command " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "argo-harness: "+msg)
	os.Exit(2)
}

func readObject(r io.Reader) (map[string]any, error) {
	var obj map[string]any
	if err := json.NewDecoder(r).Decode(&obj); err != nil {
		return nil, fmt.Errorf("stdin: expected one JSON object: %w", err)
	}
	return obj, nil
}
