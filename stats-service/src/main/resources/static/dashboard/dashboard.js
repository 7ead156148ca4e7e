/* Kefu monitoring dashboard: sign in, then today's figures live (fetch-based server-sent events, so the
   token travels in a header), a 7-day trend, channel charts and drill-downs. No framework: one file. */
(function () {
  'use strict';
  const $ = (s, el) => (el || document).querySelector(s);
  const $$ = (s, el) => Array.from((el || document).querySelectorAll(s));
  const TOKEN_KEY = 'kefu.dashboard.token';
  const TENANT_KEY = 'kefu.dashboard.tenant';
  const CHANNELS = { mp: '公众号', wecom: '企业微信', miniapp: '小程序', sms: '短信', email: '邮件', app: 'APP', wechat: '微信', feishu: '飞书' };
  let token = sessionStorage.getItem(TOKEN_KEY);
  let tenantId = sessionStorage.getItem(TENANT_KEY) || '';
  let streamAbort = null;
  let charts = {};
  let lastTrendAt = 0;
  let drill = { metric: null, title: '', page: 1, pageSize: 20, total: 0 };

  // ---------- formatting (the browser test formats the API's numbers the same way) ----------
  const fmt = {
    count: v => v == null ? '—' : Math.round(v).toLocaleString('zh-CN'),
    rate: v => v == null ? '—' : (v * 100).toFixed(1) + '%',
    seconds: v => {
      if (v == null) return '—';
      const s = Math.round(v);
      if (s < 60) return s + '秒';
      const m = Math.floor(s / 60), r = s % 60;
      if (m < 60) return m + '分' + String(r).padStart(2, '0') + '秒';
      return Math.floor(m / 60) + '小时' + String(m % 60).padStart(2, '0') + '分';
    },
    ms: v => v == null ? '—' : Math.round(v).toLocaleString('zh-CN') + ' ms'
  };

  function claims(t) {
    try { return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch (e) { return {}; }
  }
  function query(extra) {
    const p = new URLSearchParams(extra || {});
    if (tenantId) p.set('tenantId', tenantId);
    const s = p.toString();
    return s ? '?' + s : '';
  }
  async function api(path, extra) {
    const res = await fetch('/api/stats/' + path + query(extra), { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' } });
    if (res.status === 401) { signOut('登录已过期，请重新登录'); throw new Error('未登录'); }
    if (!res.ok) {
      let detail = res.status + '';
      try { const p = await res.json(); detail = p.detail || p.title || detail; } catch (e) { /* not json */ }
      throw new Error(res.status === 403 ? '无权查看（需要主管或管理员账号）' : detail);
    }
    return res.json();
  }

  // ---------- sign-in ----------
  function showLogin(message) {
    $('#board').hidden = true;
    $('#login').hidden = false;
    const err = $('#login-error');
    err.hidden = !message;
    err.textContent = message || '';
  }
  function signOut(message) {
    if (streamAbort) streamAbort.abort();
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    showLogin(message);
  }
  $('#login-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const btn = $('#login-submit');
    btn.disabled = true; btn.textContent = '登录中…';
    $('#login-error').hidden = true;
    try {
      const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: $('#username').value.trim(), password: $('#password').value }) });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(res.status === 401 ? '账号或密码错误' : res.status === 423 ? '账号已锁定，请稍后再试' : (body.detail || '登录失败（' + res.status + '）'));
      const roles = claims(body.accessToken).roles || [];
      if (!roles.some(r => r === 'supervisor' || r === 'admin' || r === 'superadmin')) throw new Error('该账号无权查看监控大屏（需要主管或管理员）');
      token = body.accessToken;
      sessionStorage.setItem(TOKEN_KEY, token);
      start();
    } catch (e) {
      showLogin(e.message);
    } finally {
      btn.disabled = false; btn.textContent = '登录';
    }
  });
  $('#logout').addEventListener('click', () => signOut());
  $('#tenant-input').addEventListener('change', ev => {
    tenantId = ev.target.value.trim();
    sessionStorage.setItem(TENANT_KEY, tenantId);
    start();
  });

  // ---------- the board ----------
  function setCard(name, text, raw, sub) {
    const card = $('[data-card="' + name + '"]');
    if (!card) return;
    const el = $('.value', card);
    if (el.textContent !== text) {
      el.textContent = text;
      el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 600);
    }
    el.dataset.raw = raw == null ? '' : String(raw);
    card.classList.toggle('empty', raw == null);
    if (sub != null) { const s = $('.sub', card); if (s) s.textContent = sub; }
  }
  function render(rt) {
    const f = rt.today.figures, d = rt.today.derived, g = rt.gauges;
    setCard('push.total', fmt.count(f['push.sent'].count), f['push.sent'].count);
    setCard('push.rate', fmt.rate(f['push.sent'].value), f['push.sent'].value);
    setCard('push.time', fmt.ms(d.pushAvgSendMillis), d.pushAvgSendMillis);
    setCard('push.failed', fmt.count(f['push.failed'].count), f['push.failed'].count);
    setCard('waiting', fmt.count(g.waitingNow), g.waitingNow,
      g.longestWaitSeconds == null ? '无人等待' : '最长已等 ' + fmt.seconds(g.longestWaitSeconds));
    setCard('online', fmt.count(g.online + g.busy), g.online + g.busy, '在线 ' + g.online + ' · 忙碌 ' + g.busy + ' · 离线 ' + g.offline);
    setCard('frt', fmt.seconds(f['frt'].value), f['frt'].value);
    setCard('csat', fmt.rate(f['csat'].value), f['csat'].value,
      f['csat'].count ? f['csat'].count + ' 条评价 · 参评率 ' + fmt.rate(d.csatResponseRate) : '今日暂无评价');
    setCard('deflection', fmt.rate(d.deflection.rate), d.deflection.rate,
      d.deflection.aiConversations ? 'AI 会话 ' + d.deflection.aiConversations + ' · 待验证 ' + d.deflection.pending : '今日暂无 AI 会话');
    setCard('sla', fmt.rate(f['ticket.resolved'].value), f['ticket.resolved'].value,
      f['ticket.resolved'].count ? '已解决 ' + f['ticket.resolved'].count + ' 单 · 按时 ' + f['ticket.resolved'].good : '今日暂无解决的工单');
    setCard('ai.question', fmt.count(f['ai.question'].count), f['ai.question'].count);
    setCard('ai.auto-answered', fmt.count(f['ai.auto-answered'].count), f['ai.auto-answered'].count,
      '草稿 ' + f['ai.drafted'].count + ' · 转人工 ' + f['ai.handoff'].count);
    setCard('kb.hit', fmt.rate(f['kb.hit'].value), f['kb.hit'].value);
    setCard('ai.accuracy', fmt.rate(f['ai.accuracy'].value), f['ai.accuracy'].value);
    setCard('ticket.opened', fmt.count(f['ticket.opened'].count), f['ticket.opened'].count);
    setCard('ticket.escalated', fmt.count(f['ticket.escalated'].count), f['ticket.escalated'].count);
    renderBusiness(rt.businessHours, f);
    renderChannels(rt.channels);
    renderGauge(rt);
    $('#clock').textContent = new Date(rt.at).toLocaleTimeString('zh-CN');
    if (Date.now() - lastTrendAt > 10000) loadTrend();
  }

  // business-hours values only for a tenant with (readable) hours: the others have calendar values only
  const BUSINESS = { 'queue.wait.business': '今日暂无排队', 'frt.business': '今日暂无人工首次回复', 'resolution.business': '今日暂无结束的会话' };
  function renderBusiness(hours, f) {
    $('#business').hidden = !hours;
    if (!hours) return;
    $('#business-hours').textContent = '（' + hours + '）';
    Object.keys(BUSINESS).forEach(code => {
      const fig = f[code];
      setCard(code, fmt.seconds(fig && fig.value), fig ? fig.value : null,
        fig && fig.count ? fig.count + ' 个会话的平均' : BUSINESS[code]);
    });
  }

  function chart(id) {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    return charts[id];
  }
  function state(name, text, isError) {
    const el = $('[data-state="' + name + '"]');
    el.hidden = !text;
    el.textContent = text || '';
    el.classList.toggle('error', !!isError);
  }
  const axisStyle = { axisLine: { lineStyle: { color: '#3a5080' } }, axisLabel: { color: '#8ea0bf' }, splitLine: { lineStyle: { color: '#1f3157' } } };

  async function loadTrend() {
    lastTrendAt = Date.now();
    try {
      const t = await api('trends', { grain: 'day' });
      // labels are the tenant's days (the API's from..to), not the browser's
      const first = new Date(t.from + 'T00:00:00Z');
      const days = t.points.map((p, i) => { const d = new Date(first.getTime() + i * 86400000); return (d.getUTCMonth() + 1) + '/' + d.getUTCDate(); });
      const sent = t.points.map(p => p.figures['push.sent'].count);
      const conv = t.points.map(p => p.figures['conversation.opened'].count);
      const empty = sent.every(v => !v) && conv.every(v => !v);
      state('trend', empty ? '近 7 天暂无数据' : '');
      chart('trend-chart').setOption({
        tooltip: { trigger: 'axis' }, legend: { data: ['消息发送', '新会话'], textStyle: { color: '#8ea0bf' } },
        grid: { left: 40, right: 16, top: 36, bottom: 24 },
        xAxis: Object.assign({ type: 'category', data: days }, axisStyle),
        yAxis: Object.assign({ type: 'value', minInterval: 1 }, axisStyle),
        series: [{ name: '消息发送', type: 'line', smooth: true, data: sent, areaStyle: { opacity: .12 } },
                 { name: '新会话', type: 'line', smooth: true, data: conv, areaStyle: { opacity: .12 } }]
      });
    } catch (e) { state('trend', '趋势加载失败：' + e.message, true); }
  }

  function renderChannels(lines) {
    const named = lines.map(l => ({ name: CHANNELS[l.value] || l.label, f: l.figures }));
    const push = named.filter(l => l.f['push.sent'].count > 0);
    const usePush = push.length > 0;
    const pie = (usePush ? push.map(l => ({ name: l.name, value: l.f['push.sent'].count }))
      : named.filter(l => l.f['conversation.opened'].count > 0).map(l => ({ name: l.name, value: l.f['conversation.opened'].count })));
    state('pie', pie.length ? '' : '今日暂无数据');
    chart('channel-pie').setOption({
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      title: { text: usePush ? '按消息' : '按会话', left: 'right', textStyle: { color: '#8ea0bf', fontSize: 11 } },
      legend: { bottom: 0, textStyle: { color: '#8ea0bf' } },
      series: [{ type: 'pie', radius: ['36%', '62%'], center: ['50%', '46%'], data: pie,
        label: { color: '#e6edf7', position: 'inside', formatter: '{d}%' } }]
    }, true);
    const bars = usePush ? push.map(l => ({ name: l.name, value: +(l.f['push.sent'].value * 100).toFixed(1) }))
      : named.filter(l => l.f['csat'].count > 0).map(l => ({ name: l.name, value: +(l.f['csat'].value * 100).toFixed(1) }));
    state('bars', bars.length ? '' : '今日暂无数据');
    chart('rate-bars').setOption({
      tooltip: { trigger: 'axis', valueFormatter: v => v + '%' },
      title: { text: usePush ? '发送成功率' : '满意度', left: 'right', textStyle: { color: '#8ea0bf', fontSize: 11 } },
      grid: { left: 40, right: 16, top: 30, bottom: 24 },
      xAxis: Object.assign({ type: 'category', data: bars.map(b => b.name) }, axisStyle),
      yAxis: Object.assign({ type: 'value', max: 100, axisLabel: { formatter: '{value}%', color: '#8ea0bf' } }, axisStyle),
      series: [{ type: 'bar', barMaxWidth: 36, data: bars.map(b => b.value), itemStyle: { color: '#38d39f' } }]
    }, true);
  }

  function renderGauge(rt) {
    const pool = rt.pushPool;
    const load = pool != null ? pool : rt.agentLoad;
    const label = pool != null ? '推送线程池' : '客服负载';
    $('#gauge-title').textContent = pool != null ? '推送线程池使用率' : '客服负载（推送线程池未接入）';
    state('gauge', load == null ? '暂无在线客服，推送线程池未接入' : '');
    chart('pool-gauge').setOption({
      series: [{ type: 'gauge', min: 0, max: 100, progress: { show: true, width: 12 }, axisLine: { lineStyle: { width: 12 } },
        axisLabel: { color: '#8ea0bf', distance: 16 }, detail: { valueAnimation: true, formatter: '{value}%', color: '#e6edf7', fontSize: 22, offsetCenter: [0, '70%'] },
        title: { color: '#8ea0bf', offsetCenter: [0, '95%'] }, data: [{ value: load == null ? 0 : +(load * 100).toFixed(1), name: label }] }]
    }, true);
  }

  // ---------- live stream: fetch + ReadableStream, reconnects by itself ----------
  async function stream() {
    if (streamAbort) streamAbort.abort();
    const ctrl = new AbortController();
    streamAbort = ctrl;
    const live = $('#live');
    while (!ctrl.signal.aborted && token) {
      try {
        const res = await fetch('/api/stats/stream' + query(), { headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' }, signal: ctrl.signal });
        if (res.status === 401) { signOut('登录已过期，请重新登录'); return; }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        live.className = 'live on'; live.textContent = '实时';
        $('#board-error').hidden = true;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i); buf = buf.slice(i + 2);
            let event = 'message', data = [];
            block.split('\n').forEach(line => {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            });
            if (event === 'realtime' && data.length) render(JSON.parse(data.join('\n')));
          }
        }
      } catch (e) {
        if (ctrl.signal.aborted) return;
        $('#board-error').textContent = '实时连接中断，正在重连…（' + e.message + '）';
        $('#board-error').hidden = false;
      }
      live.className = 'live off'; live.textContent = '重连中…';
      await new Promise(r => setTimeout(r, 1500));
    }
  }

  // ---------- drill-down ----------
  const COLUMNS = {
    waiting: [['conversationId', '会话'], ['since', '开始等待', 'time']],
    agents: [['name', '客服'], ['groupName', '分组'], ['status', '状态', 'status'], ['currentLoad', '当前接待'], ['maxChats', '上限']],
    deflection: [['conversationId', '会话'], ['customerId', '客户'], ['channel', '渠道', 'channel'], ['aiAt', 'AI 接待时间', 'time'], ['state', '结论', 'verdict']],
    _: [['conversationId', '会话'], ['at', '时间', 'time'], ['value', '数值', 'value'], ['agentId', '客服'], ['groupName', '分组'], ['channel', '渠道', 'channel']]
  };
  const STATUS = { online: '在线', busy: '忙碌', offline: '离线' };
  const VERDICT = { verified: '已拦截', pending: '待验证', 'handed-off': '已转人工', returned: '客户回访' };
  function cell(row, col) {
    const v = row[col[0]];
    if (v == null || v === '') return '—';
    switch (col[2]) {
      case 'time': return new Date(v).toLocaleString('zh-CN', { hour12: false });
      case 'status': return STATUS[v] || v;
      case 'verdict': return VERDICT[v] || v;
      case 'channel': return CHANNELS[v] || v;
      case 'value': return drill.metric === 'csat' ? v + ' 分' : (drill.metric === 'frt' || drill.metric.indexOf('wait') >= 0 || drill.metric.endsWith('.business')) ? fmt.seconds(v) : String(v);
      default: return String(v);
    }
  }
  async function openDrill(metric, title) {
    drill = { metric, title, page: 1, pageSize: 20, total: 0 };
    $('#drill-title').textContent = title + ' · 今日明细';
    $('#drill-export').hidden = ['waiting', 'agents', 'deflection'].includes(metric);
    const dlg = $('#drill');
    if (!dlg.open) dlg.showModal();
    await loadDrill();
  }
  async function loadDrill() {
    const cols = COLUMNS[drill.metric] || COLUMNS._;
    $('#drill-table thead').innerHTML = '<tr>' + cols.map(c => '<th>' + c[1] + '</th>').join('') + '</tr>';
    const body = $('#drill-table tbody');
    body.innerHTML = '';
    state2('加载中…');
    try {
      const page = await api('drilldown', { metric: drill.metric, page: drill.page, pageSize: drill.pageSize });
      drill.total = page.total;
      page.items.forEach(row => {
        const tr = document.createElement('tr');
        cols.forEach(c => { const td = document.createElement('td'); td.textContent = cell(row, c); tr.appendChild(td); });
        body.appendChild(tr);
      });
      state2(page.items.length ? '' : '暂无明细');
      const pages = Math.max(1, Math.ceil(page.total / drill.pageSize));
      $('#drill-count').textContent = '共 ' + page.total + ' 条 · 第 ' + drill.page + ' / ' + pages + ' 页';
      $('#drill-prev').disabled = drill.page <= 1;
      $('#drill-next').disabled = drill.page >= pages;
    } catch (e) { state2('加载失败：' + e.message, true); }
  }
  function state2(text, isError) {
    const el = $('#drill-state');
    el.hidden = !text; el.textContent = text || ''; el.classList.toggle('error', !!isError);
  }
  $('#drill-close').addEventListener('click', () => $('#drill').close());
  $('#drill-prev').addEventListener('click', () => { drill.page--; loadDrill(); });
  $('#drill-next').addEventListener('click', () => { drill.page++; loadDrill(); });
  $('#drill-export').addEventListener('click', async () => {
    const res = await fetch('/api/stats/drilldown/export' + query({ metric: drill.metric }), { headers: { Authorization: 'Bearer ' + token } });
    if (!res.ok) { state2('导出失败（' + res.status + '）', true); return; }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = 'kefu-' + drill.metric + '.csv';
    a.click();
  });
  $$('.card').forEach(card => card.addEventListener('click', () => openDrill(card.dataset.drill, $('h3', card).textContent)));

  // ---------- start ----------
  async function start() {
    const c = claims(token);
    if (!c.exp || c.exp * 1000 < Date.now()) { signOut(token ? '登录已过期，请重新登录' : null); return; }
    $('#login').hidden = true;
    $('#board').hidden = false;
    const superadmin = (c.roles || []).includes('superadmin');
    $('#tenant-picker').hidden = !superadmin;
    if (superadmin) $('#tenant-input').value = tenantId;
    if (!superadmin) tenantId = '';
    $('#tenant').textContent = '租户 ' + (tenantId || c.tid || '');
    ['trend', 'pie', 'bars', 'gauge'].forEach(n => state(n, '加载中…'));
    try {
      render(await api('realtime'));
      $('#board-error').hidden = true;
    } catch (e) {
      $('#board-error').textContent = '数据加载失败：' + e.message;
      $('#board-error').hidden = false;
      ['trend', 'pie', 'bars', 'gauge'].forEach(n => state(n, '加载失败', true));
      if (!token) return;
    }
    stream();
  }
  window.addEventListener('resize', () => Object.values(charts).forEach(ch => ch.resize()));
  if (token) start(); else showLogin();
})();
