package main

// Code generated for the listing fixture.

func helper2(n int) int {
	x := n
	x += 1
	return x
}
