// Asserts Discord's message and embed limits on rendered payloads (shared by the unit tests).
import { expect } from "vitest";
import { type DiscordPayload, LIMITS } from "../../../src/platforms/discord/limits.js";

export function assertWithinLimits(payloads: DiscordPayload[]): void {
  for (const payload of payloads) {
    expect((payload.content ?? "").length).toBeLessThanOrEqual(LIMITS.content);
    expect(payload.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
    let total = 0;
    for (const embed of payload.embeds) {
      expect((embed.title ?? "").length).toBeLessThanOrEqual(LIMITS.title);
      expect((embed.description ?? "").length).toBeLessThanOrEqual(LIMITS.description);
      expect((embed.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      total +=
        (embed.title ?? "").length + (embed.description ?? "").length + (embed.footer?.text ?? "").length;
      for (const field of embed.fields ?? []) {
        expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
        expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
        expect(field.value.length).toBeGreaterThan(0);
        total += field.name.length + field.value.length;
      }
    }
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  }
}
