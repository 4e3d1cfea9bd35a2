-- Headless Neovim (0.7.2 on Debian 12) driving gup-review-server through the README snippet.
--
--   nvim --headless -u <README snippet nvim-0.7> -c 'luafile test/editors/nvim/test.lua'
--
-- GUP_EDITORS_WS names a scratch copy of test/editors/workspace/. Every step waits for an event
-- with a deadline (vim.wait polls the event loop); nothing sleeps a fixed time. Prints one line
-- per check ("ok" / "FAIL") and exits 0 when all passed, 1 when one failed, 2 on a script error.
-- The LSP log (vim.lsp.set_log_level('debug')) goes to vim.lsp.get_log_path().

local ws = assert(os.getenv('GUP_EDITORS_WS'), 'GUP_EDITORS_WS is not set')
local C_FILE = ws .. '/frame-pin.c'
local PATCH_FILE = ws .. '/0001-frame-release-the-staging-page.patch'
local FIRST_DIAGNOSTICS_MS = 20000
local STEP_MS = 10000
-- The release line; the comment in front of the call has non-ASCII text (UTF-16 columns).
local FIXED_LINE = '\t/* Zoë’s review: the pin ends here */ unpin_user_page(page);'

local failures = 0

local function say(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
end

local function check(ok, what, detail)
  if ok then
    say('ok   %s', what)
  else
    failures = failures + 1
    say('FAIL %s%s', what, detail and (': ' .. detail) or '')
  end
  return ok
end

local SEVERITY = { 'error', 'warning', 'info', 'hint' }

local function show(d)
  return string.format('%d:%d %s %s [%s]', d.lnum + 1, d.col + 1, SEVERITY[d.severity] or '?', d.message, d.code or '')
end

--- The first diagnostic of the buffer for which pred(d) holds, waiting up to ms for it.
local function wait_diagnostic(bufnr, ms, pred)
  local found
  vim.wait(ms, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if pred(d) then
        found = d
        return true
      end
    end
    return false
  end, 20)
  return found
end

local function line_of(bufnr, needle)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = l:find(needle, 1, true)
    if col then
      return i, col
    end
  end
end

local function read_disk(file)
  local f = assert(io.open(file, 'r'))
  local text = f:read('*a')
  f:close()
  return text
end

local function run()
  say('nvim %s', tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch))

  -- 1. Diagnostics on a C file: wrong-release on put_page, as an error (the snippet's setting,
  --    pushed with workspace/didChangeConfiguration: 0.7 offers no workspace/configuration).
  vim.cmd('edit ' .. vim.fn.fnameescape(C_FILE))
  local c_buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == 'c', 'C file opens as filetype c', vim.bo.filetype)
  local put_line = line_of(c_buf, 'put_page(page);')
  local wrong = wait_diagnostic(c_buf, FIRST_DIAGNOSTICS_MS, function(d)
    return d.lnum == put_line - 1 and d.code == 'wrong-release'
  end)
  if check(wrong ~= nil, 'wrong-release diagnostic on put_page(page)') then
    say('     %s', show(wrong))
    local text = vim.api.nvim_buf_get_lines(c_buf, wrong.lnum, wrong.lnum + 1, false)[1]
    local under = text:sub(wrong.col + 1, wrong.end_col)
    check(under == 'put_page', 'the diagnostic covers put_page after the non-ASCII comment', under)
    local as_error = wait_diagnostic(c_buf, STEP_MS, function(d)
      return d.lnum == put_line - 1 and d.code == 'wrong-release' and d.severity == vim.diagnostic.severity.ERROR
    end)
    check(as_error ~= nil, 'pushed setting rules.wrong-release = error applies', show(wrong))
    check(wrong.source == 'gup-review', 'diagnostic source is gup-review', tostring(wrong.source))
  end

  -- 2. Hover on the refcount literal 0xC00003: 12,288 pins, 3 refs.
  local lit_line, lit_col = line_of(c_buf, '0xC00003')
  vim.api.nvim_win_set_cursor(0, { lit_line, lit_col })
  local params = vim.lsp.util.make_position_params()
  local replies = vim.lsp.buf_request_sync(c_buf, 'textDocument/hover', params, STEP_MS) or {}
  local hover_text
  for _, reply in pairs(replies) do
    local contents = reply.result and reply.result.contents
    if contents then
      hover_text = type(contents) == 'string' and contents or contents.value
    end
  end
  if check(hover_text ~= nil, 'hover on 0xC00003 answers') then
    local first = hover_text:match('[^\n]*%d[^\n]*') or hover_text
    say('     hover: %s', first)
    check(hover_text:find('12,288 pins', 1, true) ~= nil, 'hover decodes 12,288 pins', first)
    check(hover_text:find('3 refs', 1, true) ~= nil, 'hover decodes 3 refs', first)
  end

  -- 3. The quick fix through vim.lsp.buf.code_action(): the user picks the preferred action in
  --    vim.ui.select (answered here), Neovim applies its edit; then :write and read the disk.
  vim.api.nvim_win_set_cursor(0, { put_line, 1 })
  local offered = {}
  local original_select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    local pick
    for i, item in ipairs(items) do
      local action = item[2] or item
      offered[#offered + 1] = (action.isPreferred and '* ' or '  ') .. action.title
      if action.isPreferred and not pick then
        pick = i
      end
    end
    on_choice(pick and items[pick] or nil, pick)
  end
  vim.lsp.buf.code_action()
  local applied = vim.wait(STEP_MS, function()
    return vim.api.nvim_buf_get_lines(c_buf, put_line - 1, put_line, false)[1] == FIXED_LINE
  end, 20)
  vim.ui.select = original_select
  for _, title in ipairs(offered) do
    say('     action %s', title)
  end
  check(
    applied,
    'quick fix rewrites the line to ' .. FIXED_LINE:gsub('^\t', ''),
    vim.api.nvim_buf_get_lines(c_buf, put_line - 1, put_line, false)[1] .. ' | ' .. table.concat(offered, ' | ')
  )
  vim.cmd('write')
  local disk = read_disk(C_FILE)
  check(disk:find(FIXED_LINE .. '\n', 1, true) ~= nil, 'file on disk has the fixed line')
  check(disk:find('\tput_page(page);', 1, true) == nil, 'file on disk has no put_page(page); left')
  local cleared = applied and vim.wait(STEP_MS, function()
    for _, d in ipairs(vim.diagnostic.get(c_buf)) do
      if d.code == 'wrong-release' then
        return false
      end
    end
    return true
  end, 20)
  check(cleared, 'wrong-release diagnostic gone after the fix')

  -- 4. A git format-patch file: filetype gitsendemail, the finding on its + put_page line.
  vim.cmd('edit ' .. vim.fn.fnameescape(PATCH_FILE))
  local p_buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == 'gitsendemail', 'format-patch file opens as filetype gitsendemail', vim.bo.filetype)
  local plus_line = line_of(p_buf, '+\tput_page(page);')
  local in_patch = wait_diagnostic(p_buf, STEP_MS, function(d)
    return d.lnum == plus_line - 1 and d.code == 'wrong-release'
  end)
  if check(in_patch ~= nil, 'wrong-release diagnostic on the patch line +\tput_page(page);') then
    say('     %s', show(in_patch))
    say('     line %d: %s', plus_line, vim.api.nvim_buf_get_lines(p_buf, plus_line - 1, plus_line, false)[1])
  end

  -- Shut the server down the way :qa would, and wait for it to exit.
  local clients = vim.lsp.get_active_clients()
  for _, client in ipairs(clients) do
    client.stop()
  end
  local stopped = vim.wait(STEP_MS, function()
    return #vim.lsp.get_active_clients() == 0
  end, 20)
  check(#clients == 1 and stopped, 'one gup-review client, stopped cleanly', #clients .. ' client(s)')
end

vim.lsp.set_log_level('debug')
local ok, err = pcall(run)
if not ok then
  say('ERROR %s', tostring(err))
  vim.cmd('cquit 2')
end
say('%s: %d check(s) failed', failures == 0 and 'PASS' or 'FAIL', failures)
if failures > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
