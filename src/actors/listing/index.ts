// The listing behaviour as a layer (JSON state).
import { Listing } from "./protocol.js"
import { emptyListing, listingHandlers, type ListingState } from "./behaviour.js"

/** Registers the listing kind. */
export const ListingLive = Listing.toLayer<ListingState>({ version: 1, initial: emptyListing, handlers: listingHandlers })
