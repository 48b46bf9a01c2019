package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/argoproj/gitops-engine/pkg/health"
	lua "github.com/yuin/gopher-lua"
)

// The libraries Argo CD's Lua VM opens for health scripts (argo-cd util/lua): base, table, string, math.
var luaLibs = []struct {
	name string
	open lua.LGFunction
}{
	{lua.BaseLibName, lua.OpenBase},
	{lua.TabLibName, lua.OpenTable},
	{lua.StringLibName, lua.OpenString},
	{lua.MathLibName, lua.OpenMath},
}

// Health statuses Argo CD accepts from a script.
var validStatus = map[health.HealthStatusCode]bool{
	health.HealthStatusHealthy: true, health.HealthStatusProgressing: true, health.HealthStatusDegraded: true,
	health.HealthStatusSuspended: true, health.HealthStatusMissing: true, health.HealthStatusUnknown: true,
}

func luaHealthCommand(scriptPath string, in io.Reader, out io.Writer) error {
	script, err := os.ReadFile(scriptPath)
	if err != nil {
		return err
	}
	obj, err := readObject(in)
	if err != nil {
		return err
	}
	hs, err := runLuaHealth(string(script), obj)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(hs)
}

// runLuaHealth runs a health script with `obj` set, in a fresh state with a one-second deadline, and
// reads the returned table as a health status, refusing a status Argo CD would refuse.
func runLuaHealth(script string, obj map[string]any) (*health.HealthStatus, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range luaLibs {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return nil, fmt.Errorf("lua: %w", err)
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("lua: the script returned %s, expected a table", l.Get(-1).Type())
	}
	hs := &health.HealthStatus{}
	if s, ok := table.RawGetString("status").(lua.LString); ok {
		hs.Status = health.HealthStatusCode(s)
	}
	if m, ok := table.RawGetString("message").(lua.LString); ok {
		hs.Message = string(m)
	}
	if !validStatus[hs.Status] {
		return nil, fmt.Errorf("lua: status %q is not a health status Argo CD accepts", hs.Status)
	}
	return hs, nil
}

// toLua converts decoded JSON into Lua values: objects to tables, arrays to 1-based tables.
func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := l.NewTable()
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.NewTable()
		for k, item := range x {
			t.RawSetString(k, toLua(l, item))
		}
		return t
	default:
		return lua.LString(fmt.Sprint(x))
	}
}
