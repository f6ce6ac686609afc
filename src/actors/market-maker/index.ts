// The market maker behaviour as a layer (JSON state).
import { MarketMaker } from "./protocol.js"
import { emptyMaker, makerHandlers, type MakerState } from "./behaviour.js"

/** Registers the market maker kind. */
export const MarketMakerLive = MarketMaker.toLayer<MakerState>({ version: 1, initial: emptyMaker, handlers: makerHandlers })
