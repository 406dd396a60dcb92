// jsdom lacks parts of <dialog>; give it the behaviour the app relies on.
const proto = HTMLDialogElement.prototype as HTMLDialogElement & { __patched?: boolean };
if (!proto.__patched) {
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  proto.close = function (this: HTMLDialogElement, value?: string) {
    if (value !== undefined) this.returnValue = value;
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  proto.__patched = true;
}
