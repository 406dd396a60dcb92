// A small helper to build DOM nodes with real elements, labels and roles.

type Child = Node | string | null | undefined | false;

type Attrs = Record<string, string | boolean | number | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      node.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

/** Briefly replaces a button's label with "Copied", then restores it. */
export function flashCopied(button: HTMLButtonElement, label = "Copied"): void {
  const original = Array.from(button.childNodes).map((n) => n.cloneNode(true));
  button.textContent = label;
  button.classList.add("copied");
  window.setTimeout(() => {
    button.replaceChildren(...original);
    button.classList.remove("copied");
  }, 2000);
}

/** The nodes that are there, for `replaceChildren`. */
export function present(...nodes: (Node | null | undefined | false)[]): Node[] {
  return nodes.filter((n): n is Node => Boolean(n));
}

/** The copy icon (two overlapping sheets), drawn inline so no icon font is needed. */
export function copyIcon(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const back = document.createElementNS(ns, "rect");
  for (const [k, v] of Object.entries({ x: "8", y: "8", width: "12", height: "12", rx: "2" })) back.setAttribute(k, v);
  const front = document.createElementNS(ns, "path");
  front.setAttribute("d", "M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2");
  svg.append(back, front);
  return svg;
}
