// The price the edge quotes for a market: the book's last trade, else the pricing actor's index
// price. MARKET and STOP orders take their collar reference from it; the portfolio values
// positions at it.
import { Effect, Option } from "effect"
import { Book, GetBook } from "../actors/book/protocol.js"
import { GetPrice, Pricing } from "../actors/pricing/protocol.js"
import { ActorClient } from "../runtime/actor-client.js"

/** Last trade price in cents, else the index price; None when the market has neither. */
export const marketPrice = (symbol: string) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const book = yield* client.ask(Book.ref(symbol), new GetBook({ depth: 1 }))
    if (book.lastPrice > 0) return book.lastPrice
    const index = yield* client.ask(Pricing.ref(symbol), new GetPrice())
    return index.indexPrice > 0 ? index.indexPrice : undefined
  }).pipe(Effect.option, Effect.map((price) => Option.flatMap(price, Option.fromNullable)))
