package teahost

import (
	"reflect"

	tea "charm.land/bubbletea/v2"
)

// What this package assumes of bubbletea (charm.land/bubbletea/v2, read
// at v2.1.1) beyond its documented API, all of it here.
// TestBubbleteaAssumptions checks each one and names the one that broke
// when an upgrade breaks it.
//
//  1. tea.Sequence's message is an unexported slice of tea.Cmd (sequenceMsg)
//     that the program runs one command after another, and a slice of the
//     same type built by reflection is run the same way: wrapSequence
//     rebuilds it so that each command's message reaches the parking.
//  2. tea.ClearScreen() and tea.RequestBackgroundColor() return messages of
//     unexported, comparable types that carry nothing: a message equal to
//     one of them is that request (isClearScreen, isBackgroundRequest).
//     A program's filter sees each before the program acts on it.
//  3. A running program's event loop shows in a goroutine's stack as
//     EventLoopFrame: tests count the programs that run (a parked session
//     runs none) by it.

// EventLoopFrame is the function, as runtime.Stack names it, that a
// goroutine runs while it runs a bubbletea program's event loop. Tests
// count running programs by it (assumption 3).
const EventLoopFrame = "charm.land/bubbletea/v2.(*Program).eventLoop("

// isClearScreen tells the message of tea.ClearScreen (assumption 2).
func isClearScreen(msg tea.Msg) bool { return msg == tea.ClearScreen() }

// isBackgroundRequest tells the message of tea.RequestBackgroundColor
// (assumption 2).
func isBackgroundRequest(msg tea.Msg) bool { return msg == tea.RequestBackgroundColor() }

// cmdType is the type of a command, to recognise tea.Sequence's message.
var cmdType = reflect.TypeFor[tea.Cmd]()

// wrapSequence wraps the commands of tea.Sequence's message (an
// unexported slice of commands: assumption 1): the program runs them one
// after another, each waiting for the one before, so each hands on its
// message before it returns.
func (pk *parking) wrapSequence(msg tea.Msg) tea.Msg {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
		return msg
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	for i := range v.Len() {
		c, _ := v.Index(i).Interface().(tea.Cmd)
		if c != nil {
			out.Index(i).Set(reflect.ValueOf(tea.Cmd(func() tea.Msg {
				pk.handOn(c())
				return nil
			})))
		}
	}
	return out.Interface()
}
