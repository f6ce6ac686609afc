// The order book behaviour as a layer; snapshots hold the core's compact tuples.
import { Book } from "./protocol.js"
import { bookHandlers, bookSnapshot, emptyBook, type BookState } from "./behaviour.js"

/** Registers the book kind. */
export const BookLive = Book.toLayer<BookState>({
  version: 1,
  initial: emptyBook,
  handlers: bookHandlers,
  snapshot: bookSnapshot
})
