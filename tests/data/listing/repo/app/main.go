package main

import "example.com/app/util"

func work(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += util.Sum(i)
	}
	return total + helper(n)
}

func helper(n int) int {
	return n * 2
}

func main() {
	for {
		work(1000)
	}
}
