import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { mountPersonalRoom } from "./personal-room";

afterEach(() => clearMocks());

describe("personal room", () => {
  it("shows the PMI as Zoom formats it, and the personal link", async () => {
    mockIPC((cmd) => {
      if (cmd === "personal_room") {
        return {
          display_name: "Jane Doe",
          pmi: 3542471135,
          pmi_formatted: "354 247 1135",
          personal_link: "https://zoom.us/my/jane.doe",
        };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    const root = document.createElement("div");
    await mountPersonalRoom(root);
    expect(root.querySelector("h2")?.textContent).toBe("Personal Meeting ID (PMI)");
    expect(root.querySelector("[data-testid=pmi]")?.textContent).toBe("354 247 1135");
    expect(root.querySelector("[data-testid=personal-link]")?.textContent).toBe("https://zoom.us/my/jane.doe");
  });

  it("shows the service's own message when loading fails", async () => {
    mockIPC(() => {
      throw { kind: "unreachable", message: "Cannot reach the meeting service: connection refused" };
    });
    const root = document.createElement("div");
    await mountPersonalRoom(root);
    expect(root.querySelector("[role=alert]")?.textContent).toBe(
      "Cannot reach the meeting service: connection refused",
    );
  });
});
