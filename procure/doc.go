// Package procure holds the rules of purchasing as pure functions over plain values: whether a
// purchase request may start (plan, supplier qualification, strategic and key materials),
// which lines of a delivery the keeper accepts (验收), whether an order, its receipts and its
// invoice agree (三单匹配), and how a purchase order moves from issue to payment: Order's
// Validate says whether an event (a delivery, a receipt sealed or refused, an invoice, the
// payment opened, made or refused) may happen now, with a Refusal of a stable code, and Apply
// returns the order it leaves and the Outcome the workflow acts on. Like policy, nothing here
// does I/O or reads the clock: the gateway, the workflows and the tests call the same
// functions with the facts they loaded.
package procure
