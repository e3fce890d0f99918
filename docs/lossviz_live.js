// The explorers live on the static site, with no kernel and no network.
//
// docs/build_site.py puts a <div class="lossviz-live" data-src="..."> under each explorer
// of a notebook page and writes, at build time, the file it names: every position the
// page offers, computed by the explorer's own Python code (lossviz/widgets/_static.py).
// This file only builds the controls (HTML range, select and checkbox inputs over those
// positions), turns a position's scene into rows and hands them to Vega-Lite, which
// draws. Without JavaScript the still frame of the notebook's output stays.
(function () {
  'use strict';

  const resolve = (value, arrays) => (value && typeof value === 'object' && '@' in value ? arrays[value['@']] : value);

  function item(data, index) {
    const raw = data.items[index];
    const out = {};
    for (const key of Object.keys(raw)) out[key] = resolve(raw[key], data.arrays);
    return out;
  }

  // The rows Vega-Lite draws for one scene: one per vertex, point, rectangle or text.
  function rows(data, scene) {
    const out = [];
    scene.forEach((index) => {
      const it = item(data, index);
      const base = { a: it.a, k: it.t, i: index };
      if (it.t === 'line') {
        it.x.forEach((x, o) => {
          if (x !== null && it.y[o] !== null) out.push({ ...base, o, x, y: it.y[o], c: it.c, w: it.w, op: it.op, d: it.d });
        });
      } else if (it.t === 'point') {
        it.x.forEach((x, o) => out.push({ ...base, x, y: it.y[o], c: it.c[o] || '#000000', s: it.s, sh: it.sh, op: it.op }));
      } else if (it.t === 'rect') {
        it.x.forEach((x, o) => out.push({ ...base, x, x2: it.x2[o], y: it.y[o], y2: it.y2[o], c: it.c[o], op: it.op[o] }));
      } else if (it.t === 'text') {
        out.push({ ...base, k: `text-${it.al}-${it.bl}`, x: it.x, y: it.y, s: it.s, c: it.c });
      }
    });
    return out;
  }

  function titles(data, scene) {
    const out = [];
    scene.forEach((index) => {
      const it = data.items[index];
      if (it.t === 'axes') out[it.a] = out[it.a] || '';
      if (it.t === 'title') out[it.a] = it.s;
    });
    return out;
  }

  function scale(limits, kind) {
    const low = Math.min(limits[0], limits[1]);
    const high = Math.max(limits[0], limits[1]);
    return { type: kind === 'log' ? 'log' : 'linear', domain: [low, high], reverse: limits[0] > limits[1], nice: false, zero: false };
  }

  function axis(title, ticks) {
    const spec = { title: title || null, grid: false };
    if (ticks) {
      spec.values = ticks.values;
      spec.labelExpr = `${JSON.stringify(Object.fromEntries(ticks.values.map((v, i) => [v, ticks.labels[i]])))}[datum.value]`;
    }
    return spec;
  }

  // One axes of the figure: a layer of marks over its scales, and its legend.
  function axesSpec(frame, textKinds) {
    const only = (kind) => ({ filter: `datum.a === ${frame.a} && datum.k === '${kind}'` });
    const x = (field) => ({ field, type: 'quantitative', scale: scale(frame.xlim, frame.xscale), axis: axis(frame.xlabel, frame.xticks) });
    const y = (field) => ({ field, type: 'quantitative', scale: scale(frame.ylim, frame.yscale), axis: axis(frame.ylabel, frame.yticks) });
    const raw = (field) => ({ field, type: 'nominal', scale: null, legend: null });
    const layer = [
      {
        transform: [only('rect')],
        mark: { type: 'rect', clip: true },
        encoding: { x: x('x'), x2: { field: 'x2' }, y: y('y'), y2: { field: 'y2' }, color: raw('c'), opacity: { field: 'op', type: 'quantitative', scale: null } },
      },
      {
        transform: [only('line')],
        mark: { type: 'line', clip: true },
        encoding: {
          x: x('x'), y: y('y'), detail: { field: 'i' }, order: { field: 'o' }, color: raw('c'),
          strokeWidth: { field: 'w', type: 'quantitative', scale: null },
          opacity: { field: 'op', type: 'quantitative', scale: null },
          strokeDash: { field: 'd', type: 'nominal', scale: null, legend: null },
        },
      },
      {
        transform: [only('point')],
        mark: { type: 'point', filled: true, clip: true },
        encoding: {
          x: x('x'), y: y('y'), color: raw('c'), shape: raw('sh'),
          size: { field: 's', type: 'quantitative', scale: null },
          opacity: { field: 'op', type: 'quantitative', scale: null },
        },
      },
      ...textKinds.map((kind) => {
        const [, align, baseline] = kind.split('-');
        return {
          transform: [only(kind)],
          mark: { type: 'text', align, baseline, fontSize: 11, lineBreak: '\n' },
          encoding: { x: x('x'), y: y('y'), text: { field: 's' }, color: raw('c') },
        };
      }),
    ];
    if (frame.legend.length) {
      layer.push({
        data: { values: frame.legend },
        mark: { type: 'point', filled: true, opacity: 0 },
        encoding: {
          color: {
            field: 'label', type: 'nominal',
            scale: { domain: frame.legend.map((e) => e.label), range: frame.legend.map((e) => e.c) },
            legend: { orient: 'bottom', title: null, symbolOpacity: 1, columns: 2, labelLimit: 260 },
          },
        },
      });
    }
    const independent = { color: 'independent', opacity: 'independent', size: 'independent', shape: 'independent', strokeWidth: 'independent', strokeDash: 'independent' };
    // The title is a parameter: a title that states a number (AUC ...) changes without a new chart.
    return { title: { text: { expr: `title${frame.a}` }, fontSize: 13, limit: 0 }, width: frame.width, height: frame.height, layer, resolve: { scale: independent } };
  }

  // available: the page's width for the figure; the axes shrink to fit it (never grow).
  function figureSpec(data, scene, available = Infinity) {
    const frames = [];
    const textKinds = new Set();
    scene.forEach((index) => {
      const it = data.items[index];
      if (it.t === 'axes') frames.push(item(data, index));
      if (it.t === 'text') textKinds.add(`text-${it.al}-${it.bl}`);
    });
    const wanted = frames.reduce((total, frame) => total + frame.width, 0);
    const fit = Math.max(0.4, Math.min(1, (available - 90 * frames.length) / wanted));
    frames.forEach((frame) => { frame.width = Math.round(frame.width * fit); frame.height = Math.round(frame.height * fit); });
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      params: frames.map((frame) => ({ name: `title${frame.a}`, value: '' })),
      data: { name: 'scene' },
      hconcat: frames.map((frame) => axesSpec(frame, [...textKinds])),
      resolve: { scale: { x: 'independent', y: 'independent', color: 'independent' }, legend: { color: 'independent' } },
      config: { view: { stroke: '#444' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    };
  }

  // The scene of the chosen control positions; a joint position that was not
  // precomputed snaps each control to its nearest value on the joint grid.
  function lookup(data, chosen) {
    const key = chosen.join(',');
    if (key in data.positions) return { scene: data.positions[key], exact: true, key: chosen };
    const snapped = chosen.map((index, c) =>
      data.joint[c].reduce((best, candidate) => (Math.abs(candidate - index) < Math.abs(best - index) ? candidate : best)),
    );
    return { scene: data.positions[snapped.join(',')], exact: false, key: snapped };
  }

  function formatValue(value) {
    return typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(6))) : String(value);
  }

  function controlsFor(data, onChange) {
    const box = document.createElement('div');
    box.className = 'lossviz-live-controls';
    const inputs = data.controls.map((control, c) => {
      const label = document.createElement('label');
      label.textContent = `${control.label} `;
      let input;
      const values = control.values;
      if (values.length === 2 && values[0] === false && values[1] === true) {
        input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = control.start === 1;
        input.read = () => (input.checked ? 1 : 0);
      } else if (values.some((value) => typeof value !== 'number')) {
        input = document.createElement('select');
        values.forEach((value, i) => input.add(new Option(String(value), String(i))));
        input.value = String(control.start);
        input.read = () => Number(input.value);
      } else {
        input = document.createElement('input');
        input.type = 'range';
        input.min = 0;
        input.max = values.length - 1;
        input.step = 1;
        input.value = control.start;
        input.read = () => Number(input.value);
      }
      input.name = control.name;
      input.dataset.control = c;
      const shown = document.createElement('output');
      const show = () => { shown.textContent = input.type === 'checkbox' ? '' : formatValue(values[input.read()]); };
      show();
      input.addEventListener(input.tagName === 'SELECT' || input.type === 'checkbox' ? 'change' : 'input', () => { show(); onChange(); });
      label.append(input, ' ', shown);
      box.append(label);
      return input;
    });
    return { box, read: () => inputs.map((input) => input.read()) };
  }

  async function mount(element) {
    const data = await (await fetch(element.dataset.src)).json();
    const chart = document.createElement('div');
    chart.className = 'lossviz-live-figure';
    const readout = document.createElement('div');
    readout.className = 'lossviz-live-readout';
    let view = null;
    let specKey = null;
    let shown = new Set(); // the item indices whose rows the chart holds
    let pending = Promise.resolve();
    const draw = async () => {
      const found = lookup(data, controls.read());
      const scene = data.scenes[found.scene];
      // A new chart only when an axes changes (limits, labels, ticks) or a new kind of text
      // appears; otherwise only the items that differ from the shown scene are swapped.
      const textKinds = new Set(scene.filter((index) => data.items[index].t === 'text').map((index) => `${data.items[index].al}-${data.items[index].bl}`));
      const frameKey = scene.filter((index) => data.items[index].t === 'axes').join(',') + '|' + [...textKinds].sort().join(',');
      const lines = [...data.readouts[found.scene]];
      if (!found.exact) {
        const shown = data.controls.map((control, c) => `${control.name}=${formatValue(control.values[found.key[c]])}`);
        lines.push(`(nearest precomputed position: ${shown.join(', ')})`);
      }
      readout.textContent = '';
      lines.forEach((line) => { const div = document.createElement('div'); div.textContent = line; readout.append(div); });
      const wanted = new Set(scene);
      if (frameKey !== specKey) {
        if (view) view.finalize();
        const result = await window.vegaEmbed(chart, figureSpec(data, scene, element.clientWidth || Infinity), { actions: false, renderer: 'canvas' });
        view = result.view;
        specKey = frameKey;
        shown = new Set();
      }
      const added = scene.filter((index) => !shown.has(index));
      const gone = new Set([...shown].filter((index) => !wanted.has(index)));
      view.change('scene', window.vega.changeset().remove((row) => gone.has(row.i)).insert(rows(data, added)));
      shown = wanted;
      titles(data, scene).forEach((text, a) => view.signal(`title${a}`, text));
      await view.runAsync();
      element.dataset.drawn = String(Number(element.dataset.drawn || 0) + 1);
    };
    // A drag sends a burst of inputs: one draw waits at most, and it reads the latest.
    let queued = false;
    const request = () => {
      if (queued) return;
      queued = true;
      pending = pending.then(() => { queued = false; return draw(); });
    };
    const controls = controlsFor(data, request);
    element.append(controls.box, readout, chart);
    await (pending = pending.then(draw));
    element.classList.add('lossviz-live-ready');
    // The still frame from the notebook run is replaced by the live figure (docs/site.css
    // hides the cell's widget output, which the widget manager may render only later).
    element.closest('.cell')?.classList.add('lossviz-has-live');
  }

  function start() {
    document.querySelectorAll('.lossviz-live').forEach((element) => {
      mount(element).catch((error) => {
        element.dataset.error = String(error);
        console.error('lossviz live explorer', error);
      });
    });
  }
  window.lossvizLive = { rows, figureSpec, lookup };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
