/* Reading badges with the phone's camera: the browser's own BarcodeDetector where it reads QR
 * codes, otherwise jsQR (static/vendor/jsQR.js, from the npm registry), loaded as a classic
 * script only when it is needed; it defines window.jsQR.
 */
import { fmt } from "./view.js";

const FRAME_MS = 150;
const SAME_CODE_MS = 4000;  // the same code read again within this is the same scan

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}

export class Camera {
  /** `onCode(text)` is called with each code read (the same one again only after a pause). */
  constructor(S, T, onCode) {
    const $ = (id) => document.getElementById(id);
    this.S = S;
    this.T = T;
    this.onCode = onCode;
    this.els = { start: $("camera-start"), stop: $("camera-stop"), video: $("camera"), message: $("camera-message"), view: $("view") };
    this.stream = null;
    this.detector = null;
    this.timer = null;
    this.last = "";
    this.lastAt = 0;
    this.canvas = null;
    this.els.start.addEventListener("click", () => this.start());
    this.els.stop.addEventListener("click", () => this.stop());
  }

  message(text) {
    this.els.message.textContent = text || "";
    this.els.message.hidden = !text;
  }

  /** Whether a QR reader is ready: the native one, or jsQR once loaded. */
  async reader() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf("qr_code") >= 0) this.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (error) { /* no native reader: jsQR below */ }
    }
    if (this.detector || window.jsQR) return true;
    try {
      await loadScript(this.S.vendorUrl);
      return Boolean(window.jsQR);
    } catch (error) {
      return false;
    }
  }

  async start() {
    this.message("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.message(this.T.noCamera);
      return;
    }
    try {
      if (!(await this.reader())) {
        this.message(this.T.noScanner);
        return;
      }
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      const { video, view, start, stop } = this.els;
      this.stream = stream;
      video.srcObject = stream;
      video.hidden = false;
      view.classList.add("is-camera");
      if (view.scrollIntoView) view.scrollIntoView({ block: "nearest" });
      start.hidden = true;
      stop.hidden = false;
      await video.play();
      this.scanFrame();
    } catch (error) {
      this.message(fmt(this.T.cameraDenied, { reason: (error && (error.message || error.name)) || "" }));
      this.stop();
    }
  }

  stop() {
    clearTimeout(this.timer);
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.els.video.hidden = true;
    this.els.view.classList.remove("is-camera");
    this.els.start.hidden = false;
    this.els.stop.hidden = true;
  }

  async readFrame() {
    const video = this.els.video;
    if (!this.stream || video.readyState < 2) return null;
    if (this.detector) {
      const codes = await this.detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    const scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (!width || !height) return null;
    this.canvas = this.canvas || document.createElement("canvas");
    this.canvas.width = width;
    this.canvas.height = height;
    const context = this.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" });
    return found ? found.data : null;
  }

  async scanFrame() {
    if (!this.stream) return;
    let value = null;
    try {
      value = await this.readFrame();
    } catch (error) { /* an unreadable frame: the next one */ }
    const now = Date.now();
    if (value && (value !== this.last || now - this.lastAt > SAME_CODE_MS)) {
      this.last = value;
      this.lastAt = now;
      this.onCode(value);
    }
    this.timer = setTimeout(() => this.scanFrame(), FRAME_MS);
  }
}
