// Validates Adaptive Cards with Microsoft's renderer library (adaptivecards, npm).
// stdin: a JSON array of cards. stdout: a JSON array, one entry per card:
//   {"events": [{"phase", "event", "message"}...], "bytes": N}
// Zero events means the card parsed at schema 1.5 without warnings and passed validateProperties().
"use strict";
const path = require("path");
const root = process.env.FOLLOWUP_NODE_MODULES || path.resolve(__dirname, "../../node_modules");
global.window = global.window || undefined;
const AC = require(path.join(root, "adaptivecards/dist/adaptivecards.js"));

// Teams renders Chart.* elements; the renderer library does not know them. Register them with a
// shape check (a title and a non-empty data array of {legend|x, value|y} points) instead of
// letting them fall through as unknown elements.
const CHART_TYPES = ["Chart.VerticalBar", "Chart.Donut", "Chart.Pie", "Chart.HorizontalBar"];
for (const typeName of CHART_TYPES) {
  class ChartElement extends AC.CardElement {
    getJsonTypeName() { return typeName; }
    internalParse(source, context) {
      super.internalParse(source, context);
      this.chartData = source.data;
      this.chartTitle = source.title;
    }
    internalValidateProperties(context) {
      super.internalValidateProperties(context);
      const bad = (msg) => context.addFailure(this, AC.ValidationEvent.InvalidPropertyValue, `${typeName}: ${msg}`);
      if (typeof this.chartTitle !== "string" || !this.chartTitle) bad("title is required");
      if (!Array.isArray(this.chartData) || this.chartData.length === 0) return bad("data must be a non-empty array");
      this.chartData.forEach((point, i) => {
        const label = point.legend !== undefined ? point.legend : point.x;
        const value = point.value !== undefined ? point.value : point.y;
        if (typeof label !== "string" || typeof value !== "number" || !isFinite(value)) bad(`data[${i}] needs a text label and a number`);
      });
    }
    internalRender() { return undefined; }
  }
  AC.GlobalRegistry.elements.register(typeName, ChartElement, AC.Versions.v1_5);
}

function validate(json) {
  const events = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const card = new AC.AdaptiveCard();
  let parsed = true;
  try {
    card.parse(json, context);
  } catch (err) {
    parsed = false;
    events.push({ phase: "parse", event: "Exception", message: String(err && err.message || err) });
  }
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({ phase: "parse", event: AC.ValidationEvent[e.event], message: e.message });
  }
  if (parsed) {
    for (const e of card.validateProperties().validationEvents) {
      events.push({ phase: "validate", event: AC.ValidationEvent[e.event], message: e.message });
    }
  }
  return { events, bytes: Buffer.byteLength(JSON.stringify(json), "utf8") };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cards = JSON.parse(input);
  process.stdout.write(JSON.stringify(cards.map(validate)));
});
