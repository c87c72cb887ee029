// Diagnostics for the mpt.* argument and result attributes of training steps
// and for the #mpt.role / #mpt.init attributes themselves.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics

// expected-error @+2 {{expected ::mlir::mpt::Role to be one of: param, working_copy, opt_state, loss_scale_state, input, loss, output}}
// expected-error @+1 {{failed to parse MPT_RoleAttr parameter 'value'}}
func.func @arg_role_unknown(%w: tensor<4xf32> {mpt.role = #mpt.role<weights>}) { return }

// -----

// The string spelling of older IR is refused with the typed one to write.
// expected-error @+1 {{argument #0 has mpt.role "param"; expected an #mpt.role attribute (write #mpt.role<param>)}}
func.func @arg_role_string(%w: tensor<4xf32> {mpt.role = "param"}) { return }

// -----

// expected-error @+1 {{argument #0 has mpt.role 1 : i64; expected an #mpt.role attribute such as #mpt.role<param>}}
func.func @arg_role_integer(%w: tensor<4xf32> {mpt.role = 1}) { return }

// -----

// expected-error @+1 {{argument #0 has mpt.role #mpt.role<loss>, a result role; arguments are param, working_copy, opt_state, loss_scale_state or input}}
func.func @arg_role_loss(%w: tensor<4xf32> {mpt.role = #mpt.role<loss>}) { return }

// -----

// expected-error @+1 {{argument #0 has mpt.name that is not a non-empty string}}
func.func @arg_name_empty(%w: tensor<4xf32> {mpt.name = ""}) { return }

// -----

// expected-error @+1 {{arguments #0 and #1 have the same mpt.name "w"}}
func.func @arg_name_twice(%a: tensor<4xf32> {mpt.name = "w"}, %b: tensor<4xf32> {mpt.name = "w"}) { return }

// -----

// expected-error @+1 {{argument #0: mpt.init must be an #mpt.init attribute, e.g. #mpt.init<dist = zeros>, got {dist = "zeros"}}}
func.func @init_dictionary(%w: tensor<4xf32> {mpt.init = {dist = "zeros"}}) { return }

// -----

// expected-error @+1 {{struct is missing required parameter: dist}}
func.func @init_no_dist(%w: tensor<4xf32> {mpt.init = #mpt.init<low = 0.0>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = uniform needs 'high'}}
func.func @init_uniform_no_high(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = uniform, low = 0.0, seed = 1>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = uniform needs finite low <= high, got [1, 0]}}
func.func @init_uniform_reversed(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = uniform, low = 1.0, high = 0.0, seed = 1>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = uniform needs 'seed'}}
func.func @init_uniform_no_seed(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = uniform, low = 0.0, high = 1.0>}) { return }

// -----

// A seed is an unsigned 64-bit integer.
// expected-error @+2 {{expected an unsigned 64-bit integer}}
// expected-error @+1 {{failed to parse MPT_InitAttr parameter 'seed'}}
func.func @init_uniform_negative_seed(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = uniform, low = 0.0, high = 1.0, seed = -1>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = constant needs 'value'}}
func.func @init_constant_no_value(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = constant>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = zeros takes no 'value'}}
func.func @init_zeros_with_value(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = zeros, value = 1.0>}) { return }

// -----

// expected-error @+1 {{#mpt.init needs a finite value, got inf}}
func.func @init_constant_inf(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = constant, value = 0x7FF0000000000000>}) { return }

// -----

// expected-error @+2 {{expected ::mlir::mpt::InitDist to be one of: zeros, constant, uniform, cast_of}}
// expected-error @+1 {{failed to parse MPT_InitAttr parameter 'dist'}}
func.func @init_unknown(%w: tensor<4xf32> {mpt.init = #mpt.init<dist = normal>}) { return }

// -----

// expected-error @+1 {{#mpt.init with dist = cast_of needs 'source'}}
func.func @init_cast_of_no_source(%w: tensor<4xf32> {mpt.name = "w"}, %c: tensor<4xf16> {mpt.init = #mpt.init<dist = cast_of>}) { return }

// -----

// expected-error @+1 {{argument #1: mpt.init casts "v", but no other argument has that mpt.name}}
func.func @init_cast_of_unknown_source(%w: tensor<4xf32> {mpt.name = "w"}, %c: tensor<4xf16> {mpt.init = #mpt.init<dist = cast_of, source = "v">}) { return }

// -----

// expected-error @+1 {{argument #1: mpt.init casts "c", but no other argument has that mpt.name}}
func.func @init_cast_of_itself(%w: tensor<4xf32> {mpt.name = "w"}, %c: tensor<4xf16> {mpt.name = "c", mpt.init = #mpt.init<dist = cast_of, source = "c">}) { return }

// -----

// expected-error @+1 {{argument #1: mpt.init casts argument #0 ("w") of another shape}}
func.func @init_cast_of_other_shape(%w: tensor<4xf32> {mpt.name = "w"}, %c: tensor<2x2xf16> {mpt.init = #mpt.init<dist = cast_of, source = "w">}) { return }

// -----

// expected-error @+1 {{argument #0 has unknown mpt attribute 'mpt.rol' (known: mpt.role, mpt.name, mpt.init)}}
func.func @arg_typo(%w: tensor<4xf32> {mpt.rol = #mpt.role<param>}) { return }

// -----

// expected-error @+1 {{result #0 has mpt.role #mpt.role<input>, an argument role; results are param, working_copy, opt_state, loss_scale_state, loss or output}}
func.func @result_role_input(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.role = #mpt.role<input>}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 has mpt.role "loss"; expected an #mpt.role attribute (write #mpt.role<loss>)}}
func.func @result_role_string(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.role = "loss"}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 is state (param) but has no mpt.updates naming the argument it replaces}}
func.func @result_state_without_updates(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.role = #mpt.role<param>}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 has mpt.updates that is not a string}}
func.func @updates_not_string(%w: tensor<4xf32> {mpt.name = "w"}) -> (tensor<4xf32> {mpt.updates = 0 : i64}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 updates "v", but no argument has that mpt.name}}
func.func @updates_unknown(%w: tensor<4xf32> {mpt.name = "w"}) -> (tensor<4xf32> {mpt.updates = "v"}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 updates argument #0 ("w") but its type 'tensor<4xf16>' differs from the argument type 'tensor<4xf32>'}}
func.func @updates_type(%w: tensor<4xf32> {mpt.name = "w"}, %h: tensor<4xf16>) -> (tensor<4xf16> {mpt.updates = "w"}) { return %h : tensor<4xf16> }

// -----

// expected-error @+1 {{result #0 has role #mpt.role<opt_state> but updates argument #0 of role #mpt.role<param>}}
func.func @updates_role(%w: tensor<4xf32> {mpt.name = "w", mpt.role = #mpt.role<param>}) -> (tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "w"}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 has unknown mpt attribute 'mpt.init' (known: mpt.role, mpt.name, mpt.updates)}}
func.func @result_unknown(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.init = #mpt.init<dist = zeros>}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{result #0 has mpt.name that is not a non-empty string}}
func.func @result_name_empty(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.name = ""}) { return %w : tensor<4xf32> }

// -----

// expected-error @+1 {{results #0 and #1 have the same mpt.name "out"}}
func.func @result_name_twice(%w: tensor<4xf32>) -> (tensor<4xf32> {mpt.role = #mpt.role<output>, mpt.name = "out"}, tensor<4xf32> {mpt.role = #mpt.role<output>, mpt.name = "out"}) { return %w, %w : tensor<4xf32>, tensor<4xf32> }

// -----

// Two results cannot both be the next value of one argument.
// expected-error @+1 {{results #0 and #1 have the same mpt.updates "w"}}
func.func @result_updates_twice(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>}) -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}) { return %w, %w : tensor<4xf32>, tensor<4xf32> }
