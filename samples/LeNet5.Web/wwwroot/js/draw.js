// The page's browser side: the drawing canvas (pointer events: mouse, pen or finger), painting the network's maps,
// downloads, and a frame monitor that shows whether the page stays responsive while the network trains.
// Everything else, the preprocessing, the network and its training, runs in .NET (LeNet5.dll in WebAssembly).
"use strict";

window.lenet5 = (() => {
  // The drawing canvas is 280×280: ten canvas pixels per MNIST pixel if the canvas were the 28×28 field. MNIST's
  // strokes are about 2 to 2.5 pixels wide in that field, so the pen is 22 canvas pixels wide.
  const penWidth = 22;
  let canvas = null, context = null, dotnet = null;
  let drawing = false, last = null, strokes = 0, inked = false;
  let busy = false, pending = false;
  let strokeEnd = 0;

  function clearCanvas() {
    context.fillStyle = "#000";
    context.fillRect(0, 0, canvas.width, canvas.height);
    strokes = 0;
    inked = false;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
  }

  function dot(p) {
    context.beginPath();
    context.arc(p.x, p.y, penWidth / 2, 0, 2 * Math.PI);
    context.fill();
  }

  function segment(from, to) {
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  }

  // One recognition at a time: strokes that end while one runs are recognised together when it returns.
  async function recognise() {
    if (!dotnet || !inked) return;
    if (busy) { pending = true; return; }
    busy = true;
    try {
      do {
        pending = false;
        const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
        const gray = new Uint8Array(canvas.width * canvas.height);
        for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i];
        await dotnet.invokeMethodAsync("Recognise", gray, strokes, performance.now() - strokeEnd);
      } while (pending);
    } finally {
      busy = false;
    }
  }

  function init(element, reference) {
    canvas = element;
    dotnet = reference;
    context = canvas.getContext("2d", { willReadFrequently: true });
    context.lineWidth = penWidth;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#fff";
    context.fillStyle = "#fff";
    clearCanvas();
    context.fillStyle = "#fff";
    canvas.addEventListener("pointerdown", event => {
      if (event.button !== 0) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.fillStyle = "#fff";
      dot(last);
      inked = true;
    });
    canvas.addEventListener("pointermove", event => {
      if (!drawing) return;
      event.preventDefault();
      const p = point(event);
      segment(last, p);
      last = p;
    });
    const end = event => {
      if (!drawing) return;
      drawing = false;
      strokes++;
      strokeEnd = performance.now();
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      recognise();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  // A colour map for activations: dark blue (most negative) through grey to warm yellow (most positive).
  const stops = [[8, 16, 48], [40, 60, 120], [110, 110, 120], [230, 150, 40], [255, 240, 160]];
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255 * (stops.length - 1), k = Math.min(Math.floor(t), stops.length - 2), f = t - k;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = Math.round(stops[k][c] + f * (stops[k + 1][c] - stops[k][c]));
  }

  // Paints count maps of w×h bytes, in rows of cols with a one-pixel gap, into the canvas with the given id; each
  // map pixel is shown scale CSS pixels wide (crisp: image-rendering pixelated). gray: white ink on black, else the map.
  function paint(id, w, h, count, cols, bytes, scale, gray) {
    const target = document.getElementById(id);
    if (!target) return;
    const rows = Math.ceil(count / cols), gap = 1;
    const width = cols * (w + gap) - gap, height = rows * (h + gap) - gap;
    target.width = width;
    target.height = height;
    target.style.width = (width * scale) + "px";
    target.style.height = (height * scale) + "px";
    const g = target.getContext("2d");
    const image = g.createImageData(width, height);
    const data = image.data;
    for (let i = 0; i < data.length; i += 4) { data[i] = 255; data[i + 1] = 255; data[i + 2] = 255; data[i + 3] = 0; }
    for (let m = 0; m < count; m++) {
      const x0 = (m % cols) * (w + gap), y0 = Math.floor(m / cols) * (h + gap);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = bytes[m * w * h + y * w + x], o = 4 * ((y0 + y) * width + x0 + x);
          if (gray) { data[o] = data[o + 1] = data[o + 2] = v; }
          else { data[o] = lut[3 * v]; data[o + 1] = lut[3 * v + 1]; data[o + 2] = lut[3 * v + 2]; }
          data[o + 3] = 255;
        }
      }
    }
    g.putImageData(image, 0, 0);
  }

  function download(name, bytes) {
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  // The longest gap between animation frames since start(), in milliseconds: how long the page was unresponsive.
  let monitoring = false, lastFrame = 0, longestGap = 0;
  function frame(now) {
    if (!monitoring) return;
    if (lastFrame) longestGap = Math.max(longestGap, now - lastFrame);
    lastFrame = now;
    requestAnimationFrame(frame);
  }
  function startFrameMonitor() { monitoring = true; lastFrame = 0; longestGap = 0; requestAnimationFrame(frame); }
  function stopFrameMonitor() { monitoring = false; return longestGap; }
  function longestFrameGap() { return longestGap; }

  function pageMilliseconds() { return performance.now(); }

  return {
    init, paint, download, startFrameMonitor, stopFrameMonitor, longestFrameGap, pageMilliseconds,
    clear() { clearCanvas(); },
    recognise,
  };
})();
