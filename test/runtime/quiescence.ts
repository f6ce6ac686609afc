// Tests wait for a cluster's work to be done with the runtime's own probe.
export { awaitQuiescence } from "../../src/runtime/quiescence.js"
