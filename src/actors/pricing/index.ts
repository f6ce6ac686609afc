// The pricing behaviour as a layer (JSON state).
import { Pricing } from "./protocol.js"
import { emptyPricing, pricingHandlers, type PricingState } from "./behaviour.js"

/** Registers the pricing kind. */
export const PricingLive = Pricing.toLayer<PricingState>({ version: 1, initial: emptyPricing, handlers: pricingHandlers })
