// Package procure holds the rules of purchasing as pure functions over plain values: whether a
// purchase request may start (plan, supplier qualification, strategic and key materials),
// which lines of a delivery the keeper accepts (验收), and whether an order, its receipts and
// its invoice agree (三单匹配). Like policy, nothing here does I/O or reads the clock: the
// gateway, the workflows and the tests call the same functions with the facts they loaded.
package procure
